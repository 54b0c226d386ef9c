import { ReactNode, useMemo } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import { GridColDef } from '@mui/x-data-grid';
import type { CcListItem, InstanceListItem, InstanceSummary, TaskListItem } from '../../api/types';
import { useWorkflowLinks } from '../../routes';
import { useNames } from '../common/directory';
import { formatDateTime, formatMoney } from '../common/format';
import { useWorkflowT } from '../common/i18n';
import { useCurrentUserRef } from '@cocrm/suite-react';
import { InstanceStatusChip, TaskStatusChip } from '../common/status';
import type { ListSpec } from './ApprovalList';

/** 截止时间, red once passed. */
function DueAt({ iso }: { iso: string | null | undefined }) {
  const { t } = useWorkflowT();
  if (!iso) return null;
  const overdue = new Date(iso).getTime() < Date.now();
  return (
    <Box
      component="span"
      sx={{ color: overdue ? 'error.main' : undefined }}
      title={overdue ? t('task.overdue') : undefined}
    >
      {formatDateTime(iso)}
    </Box>
  );
}

function TitleLink(props: { instance: InstanceSummary; bold?: boolean; children?: ReactNode }) {
  const links = useWorkflowLinks();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}>
      <Link
        component={RouterLink}
        to={links.instance(props.instance.id)}
        sx={{ fontWeight: props.bold ? 700 : undefined, overflow: 'hidden', textOverflow: 'ellipsis' }}
      >
        {props.instance.title}
      </Link>
      {props.children}
    </Box>
  );
}

/** Columns every list shares, reading the instance through `of`. */
function useInstanceColumns<R extends object>(of: (row: R) => InstanceSummary) {
  const { t } = useWorkflowT();
  const { userName, typeLabel } = useNames();
  return useMemo(
    () => ({
      type: {
        field: 'documentType',
        headerName: t('columns.documentType'),
        width: 110,
        valueGetter: (_v: unknown, row: R) => typeLabel(of(row).documentType),
      } as GridColDef<R>,
      amount: {
        field: 'amount',
        headerName: t('columns.amount'),
        width: 150,
        align: 'right',
        headerAlign: 'right',
        valueGetter: (_v: unknown, row: R) => formatMoney(of(row).amount, of(row).currency),
      } as GridColDef<R>,
      applicant: {
        field: 'applicant',
        headerName: t('columns.applicant'),
        width: 100,
        valueGetter: (_v: unknown, row: R) => userName(of(row).applicant),
      } as GridColDef<R>,
      status: {
        field: 'status',
        headerName: t('columns.status'),
        width: 100,
        renderCell: p => {
          const status = of(p.row).status;
          return status ? <InstanceStatusChip status={status} /> : null;
        },
      } as GridColDef<R>,
    }),
    // `of` is a module-level accessor in every caller
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, userName, typeLabel],
  );
}

/** A date-time column (Asia/Shanghai, as everywhere in the suite). */
function timeColumn<R extends object>(field: string, headerName: string, get: (row: R) => string | null | undefined): GridColDef<R> {
  return { field, headerName, width: 150, valueGetter: (_v, r) => formatDateTime(get(r)) };
}

const taskInstance = (r: TaskListItem) => r.instance;
const ccInstance = (r: CcListItem) => r.instance;
const ownInstance = (r: InstanceListItem): InstanceSummary => r;

/** 待办: open tasks, oldest first; a task held for someone else says for whom. */
export function useTodoSpec(): ListSpec<TaskListItem> {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const me = useCurrentUserRef();
  const common = useInstanceColumns(taskInstance);
  return useMemo(
    () => ({
      id: 'todo',
      load: (api, q) => api.listTodo(q),
      rowId: r => r.task.id,
      sorts: ['since', 'dueAt', 'createdAt', 'amount', 'title'],
      defaultSort: 'since',
      defaultOrder: 'asc',
      statusFilter: false,
      dateLabel: 'filters.arrivedOn',
      emptyTitle: 'inbox.empty.todo',
      emptyHint: 'inbox.empty.todoHint',
      columns: [
        {
          field: 'title',
          headerName: t('columns.title'),
          flex: 2,
          minWidth: 220,
          renderCell: p => {
            const { task } = p.row;
            let behalf: string | undefined;
            if (task.onBehalfOf && task.onBehalfOf !== me)
              behalf = t('task.onBehalfOf', { name: userName(task.onBehalfOf) });
            else if (task.onBehalfOf && task.assignee !== me)
              behalf = t('task.delegatedTo', { name: userName(task.assignee) });
            return (
              <TitleLink instance={p.row.instance}>
                {behalf && (
                  <Chip
                    size="small"
                    variant="outlined"
                    color="info"
                    label={behalf}
                    data-testid="workflow-behalf-chip"
                  />
                )}
              </TitleLink>
            );
          },
        },
        common.type,
        common.amount,
        common.applicant,
        { field: 'nodeName', headerName: t('columns.node'), width: 130, sortable: false },
        timeColumn('since', t('columns.arrivedAt'), r => r.task.pendingAt ?? r.task.createdAt),
        {
          field: 'dueAt',
          headerName: t('columns.dueAt'),
          width: 150,
          renderCell: p => <DueAt iso={p.row.task.dueAt} />,
        },
      ],
    }),
    [t, userName, me, common],
  );
}

/** 已办: tasks the user decided, newest first. */
export function useDoneSpec(): ListSpec<TaskListItem> {
  const { t } = useWorkflowT();
  const common = useInstanceColumns(taskInstance);
  return useMemo(
    () => ({
      id: 'done',
      load: (api, q) => api.listDone(q),
      rowId: r => r.task.id,
      sorts: ['decidedAt', 'createdAt', 'updatedAt'],
      defaultSort: 'decidedAt',
      defaultOrder: 'desc',
      statusFilter: true,
      dateLabel: 'filters.decidedOn',
      emptyTitle: 'inbox.empty.done',
      emptyHint: 'inbox.empty.doneHint',
      columns: [
        {
          field: 'title',
          headerName: t('columns.title'),
          flex: 2,
          minWidth: 220,
          renderCell: p => <TitleLink instance={p.row.instance} />,
        },
        common.type,
        common.amount,
        common.applicant,
        { field: 'nodeName', headerName: t('columns.node'), width: 120, sortable: false },
        {
          field: 'decision',
          headerName: t('columns.myDecision'),
          width: 110,
          renderCell: p => <TaskStatusChip status={p.row.task.status} />,
        },
        timeColumn('decidedAt', t('columns.decidedAt'), r => r.task.decidedAt),
        common.status,
      ],
    }),
    [t, common],
  );
}

/** 我发起的: the user's own approvals. */
export function useMineSpec(): ListSpec<InstanceListItem> {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const common = useInstanceColumns(ownInstance);
  return useMemo(
    () => ({
      id: 'mine',
      load: (api, q) => api.listMine(q),
      rowId: r => r.id,
      sorts: ['createdAt', 'updatedAt', 'amount', 'title'],
      defaultSort: 'createdAt',
      defaultOrder: 'desc',
      statusFilter: true,
      dateLabel: 'filters.submittedOn',
      emptyTitle: 'inbox.empty.mine',
      emptyHint: 'inbox.empty.mineHint',
      columns: [
        {
          field: 'title',
          headerName: t('columns.title'),
          flex: 2,
          minWidth: 220,
          renderCell: p => <TitleLink instance={p.row} />,
        },
        common.type,
        common.amount,
        {
          field: 'currentNodes',
          headerName: t('columns.currentNode'),
          width: 140,
          valueGetter: (_v, r) => (r.currentNodeNames ?? []).join('、'),
        },
        {
          field: 'pendingApprovers',
          headerName: t('columns.waitingFor'),
          width: 140,
          valueGetter: (_v, r) => (r.pendingApprovers ?? []).map(userName).join('、'),
        },
        common.status,
        timeColumn('createdAt', t('columns.submittedAt'), r => r.createdAt),
        timeColumn('finishedAt', t('columns.finishedAt'), r => r.finishedAt),
      ],
    }),
    [t, userName, common],
  );
}

/** 抄送我的: copies, unread ones in bold. */
export function useCcSpec(): ListSpec<CcListItem> {
  const { t } = useWorkflowT();
  const { userName } = useNames();
  const common = useInstanceColumns(ccInstance);
  return useMemo(
    () => ({
      id: 'cc',
      load: (api, q) => api.listCc(q),
      rowId: r => r.id,
      sorts: ['createdAt'],
      defaultSort: 'createdAt',
      defaultOrder: 'desc',
      statusFilter: true,
      dateLabel: 'filters.ccOn',
      emptyTitle: 'inbox.empty.cc',
      emptyHint: 'inbox.empty.ccHint',
      columns: [
        {
          field: 'title',
          headerName: t('columns.title'),
          flex: 2,
          minWidth: 220,
          renderCell: p => (
            <TitleLink instance={p.row.instance} bold={!p.row.readAt}>
              {!p.row.readAt && <Chip size="small" color="primary" label={t('cc.unread')} />}
            </TitleLink>
          ),
        },
        common.type,
        common.amount,
        common.applicant,
        {
          field: 'by',
          headerName: t('columns.ccBy'),
          width: 100,
          valueGetter: (_v, r) => userName(r.by),
        },
        common.status,
        timeColumn('createdAt', t('columns.ccAt'), r => r.createdAt),
      ],
    }),
    [t, userName, common],
  );
}

/** 审批查询: every approval the user may read by data scope. */
export function useAllSpec(): ListSpec<InstanceListItem> {
  const { t } = useWorkflowT();
  const { departmentName } = useNames();
  const common = useInstanceColumns(ownInstance);
  return useMemo(
    () => ({
      id: 'all',
      load: (api, q) => api.listInstances(q),
      rowId: r => r.id,
      sorts: ['createdAt', 'updatedAt', 'amount', 'title'],
      defaultSort: 'createdAt',
      defaultOrder: 'desc',
      statusFilter: true,
      dateLabel: 'filters.submittedOn',
      emptyTitle: 'inbox.empty.all',
      emptyHint: 'inbox.empty.allHint',
      columns: [
        {
          field: 'title',
          headerName: t('columns.title'),
          flex: 2,
          minWidth: 220,
          renderCell: p => <TitleLink instance={p.row} />,
        },
        common.type,
        common.amount,
        common.applicant,
        {
          field: 'department',
          headerName: t('columns.department'),
          width: 120,
          valueGetter: (_v, r) => departmentName(r.department),
        },
        common.status,
        timeColumn('createdAt', t('columns.submittedAt'), r => r.createdAt),
      ],
    }),
    [t, departmentName, common],
  );
}
