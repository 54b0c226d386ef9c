import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { useApi } from '@backstage/frontend-plugin-api';
import type { InstanceDetail, WorkflowNode, WorkflowTask } from '@cocrm/plugin-workflow-common';
import { LoadingState, httpStatus, useLoad } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { approvalLink } from '../../routes';
import { useCrmT } from '../common/i18n';
import { ErrorState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useUserNames } from '../common/users';

const TASK_COLORS: Partial<Record<WorkflowTask['status'], 'success' | 'error' | 'warning' | 'info'>> = {
  pending: 'info',
  approved: 'success',
  autoApproved: 'success',
  rejected: 'error',
  returned: 'warning',
};
const NODE_COLORS: Partial<Record<WorkflowNode['status'], 'success' | 'error' | 'warning' | 'info'>> = {
  active: 'info',
  approved: 'success',
  done: 'success',
  rejected: 'error',
  returned: 'warning',
};

/**
 * 审批记录 of a contract, read from the workflow plugin with the user's own
 * credentials: the steps with who decided what and when, and the action log
 * with comments. Who may not see the approval gets a note, not an error.
 */
export function ApprovalHistory({ instanceId, revision = 0 }: { instanceId: string; revision?: number }) {
  const { t, tAny } = useCrmT();
  const api = useApi(crmApiRef);
  const userName = useUserNames();
  const data = useLoad(() => api.getApproval(instanceId), [api, instanceId, revision]);
  const label = (group: string, value: string) => {
    const key = `contract.approval.${group}.${value}`;
    const text = tAny(key);
    return text === key ? value : text;
  };
  const who = (user: string, onBehalfOf: string | null) =>
    onBehalfOf ? `${userName(user)}${t('contract.approval.onBehalfOf', { name: userName(onBehalfOf) })}` : userName(user);

  const link = (
    <Link component={RouterLink} to={approvalLink(instanceId)} sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }} data-testid="crm-approval-link">
      {t('contract.openApproval')}
      <OpenInNewIcon fontSize="inherit" />
    </Link>
  );

  let body;
  if (data.loading && !data.value) body = <LoadingState compact />;
  else if (data.error && !data.value) {
    // participants and holders of the read permission see it; for others it does not exist
    body =
      httpStatus(data.error) === 404 ? (
        <Typography color="text.secondary" variant="body2" data-testid="crm-approval-not-visible">
          {t('contract.approval.notVisible')}
        </Typography>
      ) : (
        <ErrorState error={data.error} onRetry={data.retry} />
      );
  } else body = <Detail detail={data.value as InstanceDetail} label={label} who={who} />;

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="crm-approval-history">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
        <Typography variant="subtitle1" sx={{ flex: 1, fontWeight: 600 }}>
          {t('contract.approval.title')}
        </Typography>
        {link}
      </Box>
      {body}
    </Paper>
  );
}

function Detail(props: {
  detail: InstanceDetail;
  label: (group: string, value: string) => string;
  who: (user: string, onBehalfOf: string | null) => string;
}) {
  const { t } = useCrmT();
  const { detail, label, who } = props;
  const { instance } = detail;
  // the current round's steps in order; earlier rounds live on in the history below
  const nodes = detail.nodes.filter(n => n.round === instance.round).sort((a, b) => a.position - b.position);
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1.5, flexWrap: 'wrap' }}>
        <Chip size="small" label={label('instanceStatus', instance.status)} data-testid="crm-approval-status" />
        <Typography variant="caption" color="text.secondary">
          {t('contract.approval.flowVersion', { version: instance.flowVersion })}
          {instance.round > 1 ? ` · ${t('contract.approval.round', { round: instance.round })}` : ''}
        </Typography>
      </Box>
      <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
        {t('contract.approval.nodes')}
      </Typography>
      <Box component="ol" sx={{ m: 0, pl: 2.5, mb: 2 }}>
        {nodes.map(node => (
          <Box component="li" key={node.id} sx={{ mb: 1 }} data-testid="crm-approval-node">
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {node.name}
              </Typography>
              <Chip size="small" variant="outlined" color={NODE_COLORS[node.status] ?? 'default'} label={label('nodeStatus', node.status)} />
            </Box>
            {detail.tasks
              .filter(task => task.nodeId === node.id)
              .sort((a, b) => a.seq - b.seq)
              .map(task => (
                <Box key={task.id} sx={{ display: 'flex', gap: 1, alignItems: 'baseline', flexWrap: 'wrap', pl: 1 }} data-testid="crm-approval-task">
                  <Typography variant="body2">{who(task.decidedBy ?? task.assignee, task.onBehalfOf)}</Typography>
                  <Chip size="small" color={TASK_COLORS[task.status] ?? 'default'} label={label('taskStatus', task.status)} />
                  {task.decidedAt && (
                    <Typography variant="caption" color="text.secondary">
                      {formatDateTime(task.decidedAt)}
                    </Typography>
                  )}
                  {task.comment && (
                    <Typography variant="body2" color="text.secondary" sx={{ whiteSpace: 'pre-wrap', width: '100%' }}>
                      {task.comment}
                    </Typography>
                  )}
                </Box>
              ))}
          </Box>
        ))}
      </Box>
      <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
        {t('contract.approval.history')}
      </Typography>
      <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
        {[...detail.timeline]
          .sort((a, b) => b.seq - a.seq)
          .map(entry => (
            <Box component="li" key={entry.seq} sx={{ mb: 0.5 }} data-testid="crm-approval-action">
              <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
                {entry.actor.startsWith('user:') ? who(entry.actor, entry.onBehalfOf) : t('timeline.system')}
              </Typography>{' '}
              <Typography variant="body2" component="span">
                {label('action', entry.action)}
              </Typography>{' '}
              <Typography variant="caption" color="text.secondary" component="span">
                {formatDateTime(entry.createdAt)}
              </Typography>
              {entry.comment && (
                <Typography variant="body2" color="text.secondary" sx={{ whiteSpace: 'pre-wrap' }}>
                  {entry.comment}
                </Typography>
              )}
            </Box>
          ))}
      </Box>
    </Box>
  );
}
