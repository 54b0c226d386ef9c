import Chip, { ChipProps } from '@mui/material/Chip';
import type { InstanceStatus, NodeStatus, TaskStatus } from '@cocrm/plugin-workflow-common';
import { useWorkflowT } from './i18n';

type Color = ChipProps['color'];

const INSTANCE_COLORS: Record<InstanceStatus, Color> = {
  running: 'primary',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

const TASK_COLORS: Record<TaskStatus, Color> = {
  pending: 'primary',
  queued: 'default',
  waiting: 'default',
  approved: 'success',
  rejected: 'error',
  returned: 'warning',
  transferred: 'info',
  cancelled: 'default',
  autoApproved: 'success',
};

const NODE_COLORS: Record<NodeStatus, Color> = {
  active: 'primary',
  approved: 'success',
  rejected: 'error',
  returned: 'warning',
  skipped: 'default',
  cancelled: 'default',
  done: 'success',
};

export function InstanceStatusChip(props: { status: InstanceStatus; size?: 'small' | 'medium' }) {
  const { enumLabel } = useWorkflowT();
  return (
    <Chip
      size={props.size ?? 'small'}
      color={INSTANCE_COLORS[props.status] ?? 'default'}
      label={enumLabel('instanceStatus', props.status)}
      data-testid="workflow-instance-status"
    />
  );
}

export function TaskStatusChip(props: { status: TaskStatus }) {
  const { enumLabel } = useWorkflowT();
  return (
    <Chip
      size="small"
      variant={props.status === 'pending' ? 'filled' : 'outlined'}
      color={TASK_COLORS[props.status] ?? 'default'}
      label={enumLabel('taskStatus', props.status)}
    />
  );
}

export function NodeStatusChip(props: { status: NodeStatus }) {
  const { enumLabel } = useWorkflowT();
  return (
    <Chip
      size="small"
      variant="outlined"
      color={NODE_COLORS[props.status] ?? 'default'}
      label={enumLabel('nodeStatus', props.status)}
    />
  );
}
