import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import type { InstanceDetail, WorkflowActionEntry } from '@cocrm/plugin-workflow-common';
import type { CommentAttachment } from '../../api/types';
import { useNames } from '../common/directory';
import { formatDateTime } from '../common/format';
import { useWorkflowT } from '../common/i18n';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function attachmentsOf(entry: WorkflowActionEntry): CommentAttachment[] {
  const list = entry.detail?.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is CommentAttachment =>
      !!a &&
      typeof a === 'object' &&
      typeof (a as CommentAttachment).name === 'string' &&
      typeof (a as CommentAttachment).ref === 'string',
  );
}

/** Only links the browser can open safely become links; anything else (a storage key) is shown as text. */
function isOpenable(ref: string): boolean {
  return /^https?:\/\//i.test(ref) || (ref.startsWith('/') && !ref.startsWith('//'));
}

export function Attachments({ entry }: { entry: WorkflowActionEntry }) {
  const list = attachmentsOf(entry);
  if (!list.length) return null;
  return (
    <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 0, listStyle: 'none' }} data-testid="workflow-attachments">
      {list.map((a, i) => (
        <Box component="li" key={`${a.ref}-${i}`} sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
          <AttachFileIcon fontSize="small" color="action" />
          {isOpenable(a.ref) ? (
            <Link href={a.ref} target="_blank" rel="noopener noreferrer">
              {a.name}
            </Link>
          ) : (
            <span title={a.ref}>{a.name}</span>
          )}
        </Box>
      ))}
    </Box>
  );
}

/** What happened, in a sentence: "周浩 代 孙丽 转交给 吴芳". */
function useDescribe(detail: InstanceDetail) {
  const { t, enumLabel } = useWorkflowT();
  const { userName } = useNames();
  const nodeName = (id: string | null) => detail.nodes.find(n => n.id === id)?.name ?? '';
  const stepName = (stepId: string) => detail.nodes.filter(n => n.stepId === stepId).pop()?.name ?? stepId;
  const names = (v: unknown) => strings(v).map(userName).join('、');

  return (e: WorkflowActionEntry): string => {
    const actor = userName(e.actor);
    // a document's plugin submits for its user: the user is who acted (委托 is a person acting for another)
    const viaPlugin = e.actor.startsWith('service:') && !!e.onBehalfOf;
    let who = actor;
    if (viaPlugin) who = userName(e.onBehalfOf!);
    else if (e.onBehalfOf && e.actor !== 'system') who = t('timeline.onBehalf', { actor, name: userName(e.onBehalfOf) });
    const d = e.detail ?? {};
    switch (e.action) {
      case 'transfer':
        // 上报: the scheduler hands an overdue task to the approver's supervisor
        if (d.reason === 'timeout') {
          return t('timeline.escalate', { from: userName(String(d.from ?? '')), to: userName(String(d.to ?? '')) });
        }
        return t('timeline.transfer', { who, to: userName(String(d.to ?? '')) });
      case 'addSigner':
        return t('timeline.addSigner', {
          who,
          position: enumLabel('signerPosition', String(d.position ?? '')),
          users: names(d.users),
        });
      case 'return': {
        const to = d.to === 'initiator' || !d.to ? t('actions.returnToInitiator') : stepName(String(d.to));
        const policy = d.policy
          ? t('timeline.policySuffix', { policy: enumLabel('resubmitPolicy', String(d.policy)) })
          : '';
        return t('timeline.return', { who, to, policy });
      }
      case 'cc':
        return e.actor === 'system'
          ? t('timeline.ccAuto', { node: nodeName(e.nodeId), users: names(d.users) })
          : t('timeline.cc', { who, users: names(d.users) });
      case 'remind':
        if (d.reason === 'beforeDeadline') return t('timeline.remindBeforeDeadline', { users: names(d.users) });
        if (d.reason === 'timeout') return t('timeline.remindTimeout', { users: names(d.users) });
        return t('timeline.remind', { who, users: names(d.users) });
      case 'submit':
        return t('timeline.submit', { who, version: String(d.flowVersion ?? '') });
      case 'resubmit':
        return t('timeline.resubmit', { who, policy: enumLabel('resubmitPolicy', String(d.policy ?? '')) });
      case 'autoApprove':
        if (d.reason === 'timeout') return t('timeline.autoApproveTimeout');
        return t('timeline.autoApprove', { name: userName(e.onBehalfOf) });
      case 'autoReject':
        return t('timeline.autoRejectTimeout');
      case 'autoSkip':
        return t('timeline.autoSkip', { node: nodeName(e.nodeId) });
      case 'nodeApproved':
        return t('timeline.nodeApproved', { node: nodeName(e.nodeId) });
      case 'finish':
        return t('timeline.finish', { outcome: enumLabel('outcome', String(d.outcome ?? '')) });
      default:
        return t('timeline.generic', { who, action: enumLabel('action', e.action) });
    }
  };
}

/** 审批记录: every entry of the action log, oldest first, with comments and attachments. */
export function Timeline({ detail }: { detail: InstanceDetail }) {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const describe = useDescribe(detail);
  const entries = [...detail.timeline].sort((a, b) => a.seq - b.seq);
  const nodeName = (id: string | null) => detail.nodes.find(n => n.id === id)?.name;
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
      <Typography variant="h6" sx={{ mb: 1 }}>
        {t('instance.history')}
      </Typography>
      <List dense disablePadding data-testid="workflow-timeline">
        {entries.map(e => {
          const node = e.action !== 'nodeApproved' && e.action !== 'autoSkip' ? nodeName(e.nodeId) : undefined;
          return (
            <ListItem
              key={e.seq}
              disableGutters
              sx={{ alignItems: 'flex-start', borderLeft: 2, borderColor: 'divider', pl: 2, mb: 1 }}
              data-testid={`workflow-timeline-${e.seq}`}
            >
              <Box sx={{ minWidth: 0, flex: 1 }}>
                <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'baseline' }}>
                  <Typography sx={{ fontWeight: 500 }}>
                    {e.action === 'comment' ? t('timeline.comment', { who: userName(e.actor) }) : describe(e)}
                  </Typography>
                  {node && (
                    <Typography variant="body2" color="text.secondary">
                      {t('timeline.atNode', { node })}
                    </Typography>
                  )}
                  <Typography variant="body2" color="text.secondary" sx={{ ml: 'auto' }}>
                    {formatDateTime(e.createdAt)}
                  </Typography>
                </Box>
                {e.comment && (
                  <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', mt: 0.5 }}>
                    {e.comment}
                  </Typography>
                )}
                <Attachments entry={e} />
              </Box>
            </ListItem>
          );
        })}
      </List>
    </Paper>
  );
}

/** 评论: the comments alone, newest first, with their attachments. */
export function Comments({ detail }: { detail: InstanceDetail }) {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const comments = detail.timeline.filter(e => e.action === 'comment').sort((a, b) => b.seq - a.seq);
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="workflow-comments">
      <Typography variant="h6" sx={{ mb: 1 }}>
        {t('instance.comments', { count: comments.length })}
      </Typography>
      {comments.length === 0 ? (
        <Typography color="text.secondary">{t('instance.noComments')}</Typography>
      ) : (
        comments.map(c => (
          <Box key={c.seq} sx={{ py: 1, borderTop: 1, borderColor: 'divider' }}>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'baseline' }}>
              <Typography sx={{ fontWeight: 500 }}>{userName(c.actor)}</Typography>
              <Typography variant="body2" color="text.secondary">
                {formatDateTime(c.createdAt)}
              </Typography>
            </Box>
            <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
              {c.comment}
            </Typography>
            <Attachments entry={c} />
          </Box>
        ))
      )}
    </Paper>
  );
}
