import { useCallback } from 'react';
import Badge from '@mui/material/Badge';
import Chip from '@mui/material/Chip';
import AssignmentTurnedInIcon from '@mui/icons-material/AssignmentTurnedIn';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import { useInboxChanges } from '../inbox/live';
import { useWorkflowT } from '../common/i18n';

export interface ApprovalsTodoCount {
  /** pending tasks of the signed-in user (0 until known) */
  todo: number;
  /** CC copies not read yet */
  ccUnread: number;
  loading: boolean;
  error: Error | undefined;
  reload: () => void;
}

/**
 * The signed-in user's 待办 and unread 抄送 counts, kept current through the
 * `workflow:inbox` signal. For the app's sidebar and the inbox tabs.
 */
export function useApprovalsTodoCount(): ApprovalsTodoCount {
  const api = useApi(workflowApiRef);
  const load = useLoad(() => api.getCounts(), [api]);
  const reload = load.retry;
  useInboxChanges(useCallback(() => reload(), [reload]));
  return {
    todo: load.value?.todo ?? 0,
    ccUnread: load.value?.ccUnread ?? 0,
    loading: load.loading,
    error: load.error,
    reload,
  };
}

/** The 待办 count as a small chip for a sidebar item's text; nothing while there is nothing to do. */
export function ApprovalsNavBadge() {
  const { t } = useWorkflowT();
  const { todo } = useApprovalsTodoCount();
  if (!todo) return null;
  return (
    <Chip
      size="small"
      color="error"
      label={todo > 99 ? '99+' : todo}
      aria-label={t('nav.todoCount', { count: todo })}
      data-testid="workflow-nav-badge"
      sx={{ height: 18, fontSize: 11, ml: 1, '& .MuiChip-label': { px: 0.75 } }}
    />
  );
}

/** The 审批 icon with the 待办 count on it, for a sidebar item's icon. */
export function ApprovalsNavIcon() {
  const { t } = useWorkflowT();
  const { todo } = useApprovalsTodoCount();
  return (
    <Badge
      badgeContent={todo}
      max={99}
      color="error"
      invisible={!todo}
      aria-label={todo ? t('nav.todoCount', { count: todo }) : undefined}
      data-testid="workflow-nav-icon"
    >
      <AssignmentTurnedInIcon fontSize="inherit" />
    </Badge>
  );
}

/** The page title in the UI language, for the app's sidebar (the page extension's own title is fixed: 审批). */
export function useApprovalsNavTitle(): string {
  return useWorkflowT().t('page.title');
}
