import { ReactNode, useCallback, useEffect, useMemo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import { GridColDef, GridRowSelectionModel, GridValidRowModel } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import { SearchBox, ServerGrid, useLoad, useUrlListState } from '@cocrm/suite-react';
import { WorkflowApi, workflowApiRef } from '../../api/WorkflowClient';
import type { ApprovalListQuery, Page } from '../../api/types';
import { EmptyState, ErrorState } from '../common/feedback';
import { useWorkflowT, WorkflowMessageKey } from '../common/i18n';
import { DateRange, DocumentTypeSelect, StatusSelect } from '../common/pickers';
import { useInboxChanges } from './live';

const FILTER_KEYS = ['q', 'documentType', 'status', 'from', 'to'];

/** What differs between 待办, 已办, 我发起的, 抄送我的 and 审批查询. */
export interface ListSpec<R extends GridValidRowModel> {
  id: 'todo' | 'done' | 'mine' | 'cc' | 'all';
  load: (api: WorkflowApi, query: ApprovalListQuery) => Promise<Page<R>>;
  rowId: (row: R) => string;
  columns: GridColDef<R>[];
  /** the fields the backend sorts this list by; other columns are not sortable */
  sorts: string[];
  defaultSort: string;
  defaultOrder: 'asc' | 'desc';
  /** the lists of open tasks have one status only */
  statusFilter: boolean;
  dateLabel: WorkflowMessageKey;
  emptyTitle: WorkflowMessageKey;
  emptyHint: WorkflowMessageKey;
}

export interface ListSelection<R> {
  model: GridRowSelectionModel;
  onChange: (model: GridRowSelectionModel, rows: R[]) => void;
}

/** The rows a selection model covers on the current page ("exclude" is the grid's select-all). */
export function selectedRows<R>(model: GridRowSelectionModel, rows: R[], rowId: (row: R) => string): R[] {
  return rows.filter(r => (model.type === 'include' ? model.ids.has(rowId(r)) : !model.ids.has(rowId(r))));
}

export const EMPTY_SELECTION: GridRowSelectionModel = { type: 'include', ids: new Set() };

/**
 * A server-paged approval list with search and filters in the URL, reloaded
 * whenever the backend signals that the user's lists changed.
 */
export function ApprovalList<R extends GridValidRowModel>(props: {
  spec: ListSpec<R>;
  /** checkboxes (待办's batch approve) */
  selection?: ListSelection<R>;
  /** buttons above the grid, given the loaded page and a reload */
  toolbar?: (page: Page<R> | undefined, reload: () => void) => ReactNode;
}) {
  const { spec, selection } = props;
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const list = useUrlListState({
    sort: spec.defaultSort,
    order: spec.defaultOrder,
    isSortable: f => spec.sorts.includes(f),
  });
  const columns = useMemo(
    () => spec.columns.map(c => ({ ...c, sortable: spec.sorts.includes(c.field) })),
    [spec.columns, spec.sorts],
  );
  const from = list.get('from');
  const to = list.get('to');
  const query: ApprovalListQuery = {
    page: list.page,
    pageSize: list.pageSize,
    sort: list.sort,
    order: list.order,
    q: list.get('q') || undefined,
    documentType: list.get('documentType') || undefined,
    status: (spec.statusFilter && list.get('status')) || undefined,
    // whole Shanghai days, `to` inclusive: the backend takes the days as they are
    from: from || undefined,
    to: to || undefined,
  };
  const key = JSON.stringify(query);
  const data = useLoad(() => spec.load(api, query), [api, key]);
  const reload = data.retry;
  useInboxChanges(useCallback(() => reload(), [reload]));
  const rows = useMemo(() => data.value?.items ?? [], [data.value]);
  useEffect(() => {
    // a reload brings new task versions and drops rows others decided: the selection follows the rows shown
    if (!selection) return;
    const { model } = selection;
    const current = selectedRows(model, rows, spec.rowId);
    const ids = new Set(current.map(spec.rowId));
    selection.onChange({ type: 'include', ids }, current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);
  const filtered = FILTER_KEYS.some(k => list.get(k));

  let body: ReactNode;
  if (data.error && !data.value) {
    body = <ErrorState error={data.error} onRetry={data.retry} />;
  } else if (data.value && data.value.totalCount === 0 && !data.loading) {
    body = filtered ? (
      <EmptyState
        testId={`workflow-${spec.id}-empty`}
        title={t('lists.noMatches')}
        action={<Button onClick={() => list.clear(FILTER_KEYS)}>{t('common.clearFilters')}</Button>}
      />
    ) : (
      <EmptyState testId={`workflow-${spec.id}-empty`} title={t(spec.emptyTitle)} hint={t(spec.emptyHint)} />
    );
  } else {
    body = (
      <ServerGrid<R>
        list={list}
        testId={`workflow-${spec.id}-grid`}
        rows={rows}
        getRowId={spec.rowId}
        totalCount={data.value?.totalCount ?? 0}
        loading={data.loading}
        columns={columns}
        aria-label={t(`inbox.tabs.${spec.id}`)}
        {...(selection
          ? {
              checkboxSelection: true,
              rowSelectionModel: selection.model,
              onRowSelectionModelChange: (m: GridRowSelectionModel) =>
                selection.onChange(m, selectedRows(m, rows, spec.rowId)),
            }
          : {})}
      />
    );
  }

  return (
    <Box>
      <Paper variant="outlined" sx={{ p: 1.5, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'flex-start' }}>
          <SearchBox
            list={list}
            placeholder={t('filters.search')}
            testId={`workflow-${spec.id}-search`}
            minWidth={220}
          />
          <DocumentTypeSelect
            value={list.get('documentType')}
            onChange={v => list.update({ documentType: v || null })}
            testId={`workflow-${spec.id}-type`}
          />
          {spec.statusFilter && (
            <StatusSelect
              value={list.get('status')}
              onChange={v => list.update({ status: v || null })}
              testId={`workflow-${spec.id}-status`}
            />
          )}
          <DateRange
            label={t(spec.dateLabel)}
            from={from}
            to={to}
            onChange={(f, tt) => list.update({ from: f || null, to: tt || null })}
            testId={`workflow-${spec.id}-date`}
          />
          {filtered && <Button onClick={() => list.clear(FILTER_KEYS)}>{t('common.clearFilters')}</Button>}
        </Box>
      </Paper>
      {props.toolbar?.(data.value, reload)}
      {body}
    </Box>
  );
}
