import { ReactNode, useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import DoneAllIcon from '@mui/icons-material/DoneAll';
import type { GridRowSelectionModel } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import { workflowInstanceReadPermission } from '@cocrm/plugin-workflow-common';
import { useCurrentUserRef, useLoad } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { TaskListItem } from '../../api/types';
import { useWorkflowLinks } from '../../routes';
import { useWorkflowT } from '../common/i18n';
import { ApprovalsTodoCount, useApprovalsTodoCount } from '../nav/counts';
import { ApprovalList, EMPTY_SELECTION } from './ApprovalList';
import { BatchApproveDialog } from './BatchApproveDialog';
import { useAllSpec, useCcSpec, useDoneSpec, useMineSpec, useTodoSpec } from './listSpecs';

export type InboxTab = 'todo' | 'done' | 'mine' | 'cc' | 'all';

/**
 * 审批查询 is for holders of workflow.instance.read in any data scope. It is a
 * resource permission, which the permission API answers only for a given
 * record, so the user's own compiled permissions tell (the list itself
 * answers everyone with at least their own approvals).
 */
function useCanQueryAll(): boolean {
  const api = useApi(workflowApiRef);
  const me = useCurrentUserRef();
  const probe = useLoad(
    async () =>
      me
        ? api.getOwnAccess(me).then(
            a => !!a.permissions[workflowInstanceReadPermission.name],
            () => false,
          )
        : false,
    [api, me],
  );
  return probe.value === true;
}

function CountBadge(props: { count: number; label: string; testId: string }) {
  if (!props.count) return <span>{props.label}</span>;
  return (
    <Badge
      badgeContent={props.count}
      max={99}
      color="error"
      sx={{ '& .MuiBadge-badge': { right: -12, top: 2 } }}
      data-testid={props.testId}
    >
      <span>{props.label}</span>
    </Badge>
  );
}

function InboxTabs(props: { current: InboxTab; canQueryAll: boolean; counts: ApprovalsTodoCount }) {
  const { t } = useWorkflowT();
  const links = useWorkflowLinks();
  const { counts } = props;
  const tabs: Array<{ key: InboxTab; to: string; label: ReactNode }> = [
    {
      key: 'todo',
      to: links.todo,
      label: <CountBadge count={counts.todo} label={t('inbox.tabs.todo')} testId="workflow-count-todo" />,
    },
    { key: 'done', to: links.done, label: t('inbox.tabs.done') },
    { key: 'mine', to: links.mine, label: t('inbox.tabs.mine') },
    {
      key: 'cc',
      to: links.cc,
      label: <CountBadge count={counts.ccUnread} label={t('inbox.tabs.cc')} testId="workflow-count-cc" />,
    },
  ];
  if (props.canQueryAll || props.current === 'all')
    tabs.push({ key: 'all', to: links.all, label: t('inbox.tabs.all') });
  return (
    <Tabs
      value={props.current}
      variant="scrollable"
      allowScrollButtonsMobile
      sx={{ mb: 2, borderBottom: 1, borderColor: 'divider', '& .MuiTab-root': { pr: 3 } }}
      aria-label={t('page.title')}
    >
      {tabs.map(tab => (
        <Tab
          key={tab.key}
          value={tab.key}
          label={tab.label}
          component={RouterLink}
          to={tab.to}
          data-testid={`workflow-tab-${tab.key}`}
        />
      ))}
    </Tabs>
  );
}

/** 待办 with checkboxes and 批量同意. */
function TodoList(props: { counts: ApprovalsTodoCount }) {
  const { t } = useWorkflowT();
  const spec = useTodoSpec();
  const { counts } = props;
  const [model, setModel] = useState<GridRowSelectionModel>(EMPTY_SELECTION);
  const [selected, setSelected] = useState<TaskListItem[]>([]);
  const [batchOpen, setBatchOpen] = useState(false);
  // the rows the dialog works on stay fixed while it is open, whatever reloads meanwhile
  const [batchItems, setBatchItems] = useState<TaskListItem[]>([]);
  const selection = useMemo(
    () => ({
      model,
      onChange: (m: GridRowSelectionModel, rows: TaskListItem[]) => {
        setModel(m);
        setSelected(rows);
      },
    }),
    [model],
  );
  return (
    <ApprovalList<TaskListItem>
      spec={spec}
      selection={selection}
      toolbar={(_page, reload) => (
        <>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1.5, minHeight: 36 }}>
            <Typography color="text.secondary" sx={{ flex: 1 }} data-testid="workflow-selected-count">
              {selected.length ? t('batch.selected', { count: selected.length }) : t('batch.selectHint')}
            </Typography>
            <Button
              variant="contained"
              color="success"
              startIcon={<DoneAllIcon />}
              disabled={!selected.length}
              onClick={() => {
                setBatchItems(selected);
                setBatchOpen(true);
              }}
              data-testid="workflow-batch-approve"
            >
              {t('batch.button')}
            </Button>
          </Box>
          <BatchApproveDialog
            open={batchOpen}
            items={batchItems}
            onClose={() => setBatchOpen(false)}
            onDone={() => {
              setModel(EMPTY_SELECTION);
              setSelected([]);
              reload();
              counts.reload();
            }}
          />
        </>
      )}
    />
  );
}

function DoneList() {
  return <ApprovalList spec={useDoneSpec()} />;
}
function MineList() {
  return <ApprovalList spec={useMineSpec()} />;
}
function CcList() {
  return <ApprovalList spec={useCcSpec()} />;
}
function AllList() {
  return <ApprovalList spec={useAllSpec()} />;
}

/** 待办 / 已办 / 我发起的 / 抄送我的 / 审批查询, one route each. */
export function InboxPage(props: { tab: InboxTab }) {
  const canQueryAll = useCanQueryAll();
  const counts = useApprovalsTodoCount();
  return (
    <Box>
      <InboxTabs current={props.tab} canQueryAll={canQueryAll} counts={counts} />
      {props.tab === 'todo' && <TodoList counts={counts} />}
      {props.tab === 'done' && <DoneList />}
      {props.tab === 'mine' && <MineList />}
      {props.tab === 'cc' && <CcList />}
      {props.tab === 'all' && <AllList />}
    </Box>
  );
}
