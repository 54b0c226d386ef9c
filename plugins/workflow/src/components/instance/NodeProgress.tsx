import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Step from '@mui/material/Step';
import StepContent from '@mui/material/StepContent';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Typography from '@mui/material/Typography';
import type { InstanceDetail, WorkflowNode, WorkflowTask } from '@cocrm/plugin-workflow-common';
import { useNames } from '../common/directory';
import { formatDateTime } from '../common/format';
import { useWorkflowT } from '../common/i18n';
import { NodeStatusChip, TaskStatusChip } from '../common/status';

function ModeLabel({ node }: { node: WorkflowNode }) {
  const { t, enumLabel } = useWorkflowT();
  if (node.kind === 'cc') return <>{t('instance.ccNode')}</>;
  if (node.mode === 'ratio') return <>{t('instance.modeRatio', { ratio: node.ratio ?? 0 })}</>;
  return <>{enumLabel('approvalMode', node.mode)}</>;
}

function TaskLine({ task }: { task: WorkflowTask }) {
  const { t, enumLabel } = useWorkflowT();
  const { userName } = useNames();
  const actedByOther = task.decidedBy && task.decidedBy !== task.assignee && task.decidedBy !== 'system';
  return (
    <Box
      sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, py: 0.5 }}
      data-testid={`workflow-task-${task.id}`}
    >
      <Typography sx={{ fontWeight: 500 }}>{userName(task.assignee)}</Typography>
      {task.onBehalfOf && (
        <Chip
          size="small"
          variant="outlined"
          color="info"
          label={t('task.onBehalfOf', { name: userName(task.onBehalfOf) })}
        />
      )}
      {task.origin !== 'rule' && <Chip size="small" variant="outlined" label={enumLabel('taskOrigin', task.origin)} />}
      <TaskStatusChip status={task.status} />
      {actedByOther && (
        <Typography variant="body2" color="text.secondary">
          {t('task.decidedBy', { name: userName(task.decidedBy) })}
        </Typography>
      )}
      {task.status === 'pending' && task.dueAt && (
        <Typography
          variant="body2"
          color={new Date(task.dueAt).getTime() < Date.now() ? 'error' : 'text.secondary'}
          data-testid={`workflow-task-due-${task.id}`}
        >
          {t('task.due', { time: formatDateTime(task.dueAt) })}
        </Typography>
      )}
      {task.decidedAt && (
        <Typography variant="body2" color="text.secondary">
          {formatDateTime(task.decidedAt)}
        </Typography>
      )}
      {task.comment && (
        <Typography variant="body2" sx={{ flexBasis: '100%', pl: 1, borderLeft: 2, borderColor: 'divider' }}>
          {task.comment}
        </Typography>
      )}
    </Box>
  );
}

/**
 * The nodes of the current round in order, each with its mode and its
 * approvers' tasks. Earlier rounds (before a 退回 and resubmit) stay in the
 * history below.
 */
export function NodeProgress({ detail }: { detail: InstanceDetail }) {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const round = detail.instance.round;
  const nodes = detail.nodes.filter(n => n.round === round).sort((a, b) => a.position - b.position);
  const active = nodes.findIndex(n => n.status === 'active');
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="workflow-node-progress">
      <Typography variant="h6" sx={{ mb: 1 }}>
        {t('instance.progress')}
        {round > 1 && (
          <Typography component="span" color="text.secondary" sx={{ ml: 1 }}>
            {t('instance.round', { round })}
          </Typography>
        )}
      </Typography>
      {nodes.length === 0 ? (
        <Typography color="text.secondary">{t('instance.noNodes')}</Typography>
      ) : (
        <Stepper orientation="vertical" activeStep={active < 0 ? nodes.length : active} nonLinear>
          {nodes.map(node => {
            const tasks = detail.tasks
              .filter(x => x.nodeId === node.id)
              .sort((a, b) => a.seq - b.seq || a.createdAt.localeCompare(b.createdAt));
            const ccUsers = node.kind === 'cc' ? detail.cc.filter(c => c.nodeId === node.id).map(c => c.user) : [];
            return (
              <Step
                key={node.id}
                expanded
                completed={['approved', 'done', 'skipped'].includes(node.status)}
                data-testid={`workflow-node-${node.stepId}`}
              >
                <StepLabel error={node.status === 'rejected'}>
                  <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                    <Typography sx={{ fontWeight: 600 }}>{node.name}</Typography>
                    <Typography variant="body2" color="text.secondary">
                      <ModeLabel node={node} />
                    </Typography>
                    <NodeStatusChip status={node.status} />
                  </Box>
                </StepLabel>
                <StepContent>
                  {tasks.map(task => (
                    <TaskLine key={task.id} task={task} />
                  ))}
                  {ccUsers.length > 0 && (
                    <Typography variant="body2" color="text.secondary">
                      {t('instance.ccTo', { names: ccUsers.map(userName).join('、') })}
                    </Typography>
                  )}
                  {node.kind === 'approval' && tasks.length === 0 && (
                    <Typography variant="body2" color="text.secondary">
                      {t('instance.noApprovers')}
                    </Typography>
                  )}
                </StepContent>
              </Step>
            );
          })}
        </Stepper>
      )}
    </Paper>
  );
}
