import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import type { AddSignerPosition, InstanceDetail, ResubmitPolicy } from '@cocrm/plugin-workflow-common';
import { useNotify } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { CommentAttachment } from '../../api/types';
import { useNames } from '../common/directory';
import { useWorkflowT, WorkflowMessageKey } from '../common/i18n';
import { UserMultiPicker, UserPicker } from '../common/pickers';
import { ActionDialog } from './ActionDialog';
import type { CallerRole } from './roles';

export type ActionKind =
  | 'approve'
  | 'reject'
  | 'return'
  | 'transfer'
  | 'addSigner'
  | 'withdraw'
  | 'remind'
  | 'recall'
  | 'cc'
  | 'comment';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  onDone: () => void;
  onConflict: (error: unknown) => void;
}

const COLORS: Partial<Record<ActionKind, 'success' | 'error' | 'warning'>> = {
  approve: 'success',
  reject: 'error',
  return: 'warning',
  withdraw: 'error',
};

/** The buttons of the caller's possible actions, each opening its dialog. */
export function ActionBar(props: {
  detail: InstanceDetail;
  role: CallerRole;
  me: string | undefined;
  /** the document's page, where the applicant edits and resubmits a returned document */
  documentHref?: string;
  onChanged: () => void;
  onConflict: (error: unknown) => void;
}) {
  const { t } = useWorkflowT();
  const notify = useNotify();
  const { detail, role } = props;
  const [open, setOpen] = useState<ActionKind | null>(null);
  const status = detail.instance.status;

  const available: ActionKind[] = [];
  if (role.pendingTask) available.push('approve', 'reject', 'return', 'transfer', 'addSigner');
  if (role.recallableTask) available.push('recall');
  if (role.isApplicant && status === 'running') available.push('remind');
  if (role.isApplicant && (status === 'running' || status === 'returned')) available.push('withdraw');
  if (role.isParticipant) available.push('cc', 'comment');
  const resubmit = role.isApplicant && status === 'returned' && props.documentHref;

  if (!available.length && !resubmit) return null;

  const dialog: DialogProps = {
    open: false,
    onClose: () => setOpen(null),
    onDone: () => {
      const kind = open;
      setOpen(null);
      if (kind) notify({ message: t(`actions.done.${kind}` as WorkflowMessageKey) });
      props.onChanged();
    },
    onConflict: err => {
      setOpen(null);
      props.onConflict(err);
    },
  };
  const at = (kind: ActionKind): DialogProps => ({ ...dialog, open: open === kind });
  // the primary decisions stand out; the rest are secondary
  const primary: ActionKind[] = ['approve', 'reject'];

  return (
    <Paper variant="outlined" sx={{ p: 1.5, mb: 2, display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }}>
      {available.map(kind => (
        <Button
          key={kind}
          variant={primary.includes(kind) ? 'contained' : 'outlined'}
          color={COLORS[kind] ?? 'primary'}
          onClick={() => setOpen(kind)}
          data-testid={`workflow-action-${kind}`}
        >
          {t(`actions.${kind}` as WorkflowMessageKey)}
        </Button>
      ))}
      {resubmit && (
        <Button
          component={RouterLink}
          to={props.documentHref!}
          variant="contained"
          data-testid="workflow-action-resubmit"
        >
          {t('actions.resubmit')}
        </Button>
      )}
      {role.pendingTask && <DecisionDialogs {...props} taskDialog={at} />}
      {role.recallableTask && <RecallDialog {...at('recall')} taskId={role.recallableTask.id} />}
      <ApplicantDialogs instanceId={detail.instance.id} at={at} />
      <ParticipantDialogs instanceId={detail.instance.id} me={props.me} at={at} />
    </Paper>
  );
}

function DecisionDialogs(props: {
  detail: InstanceDetail;
  role: CallerRole;
  me: string | undefined;
  taskDialog: (kind: ActionKind) => DialogProps;
}) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const task = props.role.pendingTask!;
  const { version } = task;
  const { userName } = useNames();
  const node = props.role.pendingNode;
  // the node's other open approvers may neither receive the task nor be added again
  const nodeApprovers = props.detail.tasks
    .filter(x => x.nodeId === task.nodeId && ['pending', 'queued', 'waiting'].includes(x.status))
    .flatMap(x => [x.assignee, ...(x.onBehalfOf ? [x.onBehalfOf] : [])]);
  const exclude = [...new Set([...(props.me ? [props.me] : []), ...nodeApprovers])];
  const behalf =
    task.onBehalfOf && task.onBehalfOf !== props.me ? t('task.onBehalfOf', { name: userName(task.onBehalfOf) }) : '';
  const text = [node ? t('actions.atNode', { node: node.name }) : '', behalf].filter(Boolean).join(' · ');

  return (
    <>
      <ActionDialog
        {...props.taskDialog('approve')}
        testId="workflow-approve"
        title={t('actions.approveTitle')}
        text={text}
        confirmLabel={t('actions.approve')}
        color="success"
        onSubmit={comment => api.approve(task.id, version, comment)}
      />
      <ActionDialog
        {...props.taskDialog('reject')}
        testId="workflow-reject"
        title={t('actions.rejectTitle')}
        text={t('actions.rejectHint')}
        confirmLabel={t('actions.reject')}
        color="error"
        commentRequired
        commentLabel={t('actions.rejectReason')}
        onSubmit={comment => api.reject(task.id, version, comment)}
      />
      <ReturnDialog {...props.taskDialog('return')} taskId={task.id} version={version} role={props.role} />
      <TransferDialog {...props.taskDialog('transfer')} taskId={task.id} version={version} exclude={exclude} />
      <AddSignerDialog {...props.taskDialog('addSigner')} taskId={task.id} version={version} exclude={exclude} />
    </>
  );
}

function ReturnDialog(props: DialogProps & { taskId: string; version: number; role: CallerRole }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const [to, setTo] = useState('initiator');
  const [policy, setPolicy] = useState<'' | ResubmitPolicy>('');
  return (
    <ActionDialog
      {...props}
      testId="workflow-return"
      title={t('actions.returnTitle')}
      confirmLabel={t('actions.return')}
      color="warning"
      commentRequired
      focusComment
      commentLabel={t('actions.returnReason')}
      onSubmit={comment =>
        api.returnTask(props.taskId, {
          version: props.version,
          to: to === 'initiator' ? 'initiator' : { stepId: to },
          ...(policy ? { policy } : {}),
          comment,
        })
      }
    >
      <TextField
        select
        size="small"
        label={t('actions.returnTo')}
        value={to}
        onChange={e => setTo(e.target.value)}
        inputProps={{ 'data-testid': 'workflow-return-to' }}
      >
        <MenuItem value="initiator">{t('actions.returnToInitiator')}</MenuItem>
        {props.role.returnTargets.map(n => (
          <MenuItem key={n.stepId} value={n.stepId}>
            {n.name}
          </MenuItem>
        ))}
      </TextField>
      <FormControl>
        <FormLabel id="workflow-return-policy">{t('actions.resubmitPolicy')}</FormLabel>
        <RadioGroup
          aria-labelledby="workflow-return-policy"
          value={policy}
          onChange={e => setPolicy(e.target.value as '' | ResubmitPolicy)}
        >
          <FormControlLabel value="" control={<Radio size="small" />} label={t('actions.policyDefault')} />
          <FormControlLabel value="restart" control={<Radio size="small" />} label={t('actions.policyRestart')} />
          <FormControlLabel value="jump-back" control={<Radio size="small" />} label={t('actions.policyJumpBack')} />
        </RadioGroup>
      </FormControl>
    </ActionDialog>
  );
}

function TransferDialog(props: DialogProps & { taskId: string; version: number; exclude: string[] }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const [to, setTo] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  return (
    <ActionDialog
      {...props}
      testId="workflow-transfer"
      title={t('actions.transferTitle')}
      text={t('actions.transferHint')}
      confirmLabel={t('actions.transfer')}
      validate={() => {
        setError(to ? undefined : t('actions.pickUser'));
        return !!to;
      }}
      onSubmit={comment => api.transfer(props.taskId, props.version, to!, comment)}
    >
      <UserPicker
        label={t('actions.transferTo')}
        value={to}
        onChange={v => {
          setTo(v);
          setError(undefined);
        }}
        exclude={props.exclude}
        required
        // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
        autoFocus
        error={error}
        testId="workflow-transfer-user"
      />
    </ActionDialog>
  );
}

function AddSignerDialog(props: DialogProps & { taskId: string; version: number; exclude: string[] }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const [position, setPosition] = useState<AddSignerPosition>('before');
  const [users, setUsers] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  return (
    <ActionDialog
      {...props}
      testId="workflow-add-signer"
      title={t('actions.addSignerTitle')}
      confirmLabel={t('actions.addSigner')}
      validate={() => {
        setError(users.length ? undefined : t('actions.pickUsers'));
        return users.length > 0;
      }}
      onSubmit={comment => api.addSigner(props.taskId, { version: props.version, position, users, comment })}
    >
      <FormControl>
        <FormLabel id="workflow-add-signer-position">{t('actions.signerPosition')}</FormLabel>
        <RadioGroup
          aria-labelledby="workflow-add-signer-position"
          value={position}
          onChange={e => setPosition(e.target.value as AddSignerPosition)}
        >
          {(['before', 'after', 'parallel'] as const).map(p => (
            <FormControlLabel
              key={p}
              value={p}
              control={<Radio size="small" />}
              label={
                <span>
                  {t(`enums.signerPosition.${p}`)}
                  <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                    {t(`actions.signerHint.${p}`)}
                  </Typography>
                </span>
              }
            />
          ))}
        </RadioGroup>
      </FormControl>
      <UserMultiPicker
        label={t('actions.signers')}
        value={users}
        onChange={v => {
          setUsers(v);
          setError(undefined);
        }}
        exclude={props.exclude}
        required
        error={error}
        testId="workflow-add-signer-users"
      />
    </ActionDialog>
  );
}

function RecallDialog(props: DialogProps & { taskId: string }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  return (
    <ActionDialog
      {...props}
      testId="workflow-recall"
      title={t('actions.recallTitle')}
      text={t('actions.recallHint')}
      confirmLabel={t('actions.recall')}
      color="warning"
      onSubmit={comment => api.recall(props.taskId, comment)}
    />
  );
}

function ApplicantDialogs(props: { instanceId: string; at: (kind: ActionKind) => DialogProps }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  return (
    <>
      <ActionDialog
        {...props.at('withdraw')}
        testId="workflow-withdraw"
        title={t('actions.withdrawTitle')}
        text={t('actions.withdrawHint')}
        confirmLabel={t('actions.withdraw')}
        color="error"
        onSubmit={comment => api.withdraw(props.instanceId, comment)}
      />
      <ActionDialog
        {...props.at('remind')}
        testId="workflow-remind"
        title={t('actions.remindTitle')}
        text={t('actions.remindHint')}
        confirmLabel={t('actions.remind')}
        onSubmit={comment => api.remind(props.instanceId, comment)}
      />
    </>
  );
}

function ParticipantDialogs(props: {
  instanceId: string;
  me: string | undefined;
  at: (kind: ActionKind) => DialogProps;
}) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const [users, setUsers] = useState<string[]>([]);
  const [usersError, setUsersError] = useState<string>();
  const [attachments, setAttachments] = useState<CommentAttachment[]>([]);
  const [attachmentsError, setAttachmentsError] = useState<string>();
  const setAttachment = (i: number, patch: Partial<CommentAttachment>) => {
    setAttachments(list => list.map((a, j) => (j === i ? { ...a, ...patch } : a)));
    setAttachmentsError(undefined);
  };
  return (
    <>
      <ActionDialog
        {...props.at('cc')}
        testId="workflow-cc"
        title={t('actions.ccTitle')}
        confirmLabel={t('actions.cc')}
        validate={() => {
          setUsersError(users.length ? undefined : t('actions.pickUsers'));
          return users.length > 0;
        }}
        onSubmit={async comment => {
          await api.cc(props.instanceId, users, comment);
          setUsers([]);
        }}
      >
        <UserMultiPicker
          label={t('actions.ccUsers')}
          value={users}
          onChange={v => {
            setUsers(v);
            setUsersError(undefined);
          }}
          exclude={props.me ? [props.me] : []}
          required
          // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
          autoFocus
          error={usersError}
          testId="workflow-cc-users"
        />
      </ActionDialog>
      <ActionDialog
        {...props.at('comment')}
        testId="workflow-comment"
        title={t('actions.commentTitle')}
        confirmLabel={t('actions.commentSubmit')}
        commentRequired
        focusComment
        commentLabel={t('actions.commentText')}
        validate={() => {
          const ok = attachments.every(a => a.name.trim() && a.ref.trim());
          setAttachmentsError(ok ? undefined : t('actions.attachmentIncomplete'));
          return ok;
        }}
        onSubmit={async text => {
          await api.comment(
            props.instanceId,
            text!,
            attachments.map(a => ({ name: a.name.trim(), ref: a.ref.trim() })),
          );
          setAttachments([]);
        }}
      >
        {attachments.map((a, i) => (
          <Box key={i} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
            <TextField
              size="small"
              label={t('actions.attachmentName')}
              value={a.name}
              onChange={e => setAttachment(i, { name: e.target.value })}
              inputProps={{ maxLength: 200, 'data-testid': `workflow-attachment-name-${i}` }}
              sx={{ flex: 1 }}
            />
            <TextField
              size="small"
              label={t('actions.attachmentRef')}
              value={a.ref}
              onChange={e => setAttachment(i, { ref: e.target.value })}
              inputProps={{ maxLength: 500, 'data-testid': `workflow-attachment-ref-${i}` }}
              sx={{ flex: 2 }}
            />
            <Tooltip title={t('common.remove')}>
              <IconButton
                aria-label={t('common.remove')}
                onClick={() => setAttachments(list => list.filter((_, j) => j !== i))}
              >
                <DeleteOutlineIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          </Box>
        ))}
        {attachmentsError && (
          <Typography color="error" variant="body2">
            {attachmentsError}
          </Typography>
        )}
        <Box>
          <Button
            size="small"
            startIcon={<AddIcon />}
            onClick={() => setAttachments(list => [...list, { name: '', ref: '' }])}
            disabled={attachments.length >= 20}
            data-testid="workflow-attachment-add"
          >
            {t('actions.attachmentAdd')}
          </Button>
        </Box>
      </ActionDialog>
    </>
  );
}
