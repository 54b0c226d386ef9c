import { useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import LockOutlined from '@mui/icons-material/LockOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { REPORT_GROUPS, workflowReportReadPermission } from '@cocrm/plugin-workflow-common';
import type { ReportGroup, ReportRow } from '@cocrm/plugin-workflow-common';
import { errorMessage, httpStatus, saveBlob, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { ReportQueryInput } from '../../api/types';
import { useNames } from '../common/directory';
import { EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime, formatDuration, shanghaiDay } from '../common/format';
import { useWorkflowT, WorkflowMessageKey } from '../common/i18n';
import { DateRange } from '../common/pickers';

interface Column {
  key: string;
  label: WorkflowMessageKey;
  align?: 'right';
  value: (row: ReportRow) => string | number;
}

function useColumns(groupBy: ReportGroup): Column[] {
  const { locale } = useWorkflowT();
  const { userName, typeLabel } = useNames();
  const duration = (ms: number | null) => formatDuration(ms, locale);
  return useMemo(() => {
    const keys: Column[] = [];
    if (groupBy !== 'approver') {
      keys.push({
        key: 'flow',
        label: 'reports.columns.flow',
        value: r => r.flowName ?? (r.documentType ? typeLabel(r.documentType) : ''),
      });
    }
    if (groupBy === 'node') keys.push({ key: 'node', label: 'reports.columns.node', value: r => r.nodeName ?? '' });
    if (groupBy === 'approver')
      keys.push({ key: 'approver', label: 'reports.columns.approver', value: r => userName(r.approver) });
    const metrics: Column[] = [
      { key: 'tasks', label: 'reports.columns.tasks', align: 'right', value: r => r.tasks },
      { key: 'decided', label: 'reports.columns.decided', align: 'right', value: r => r.decided },
      {
        key: 'firstViewP50',
        label: 'reports.columns.firstViewP50',
        align: 'right',
        value: r => duration(r.firstViewMs.p50),
      },
      { key: 'decideP50', label: 'reports.columns.decideP50', align: 'right', value: r => duration(r.decideMs.p50) },
      { key: 'decideP90', label: 'reports.columns.decideP90', align: 'right', value: r => duration(r.decideMs.p90) },
      { key: 'slaBreaches', label: 'reports.columns.slaBreaches', align: 'right', value: r => r.slaBreaches },
      { key: 'open', label: 'reports.columns.open', align: 'right', value: r => r.open },
      {
        key: 'oldestOpen',
        label: 'reports.columns.oldestOpen',
        align: 'right',
        value: r => duration(r.oldestOpenAgeMs),
      },
    ];
    return [...keys, ...metrics];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [groupBy, locale, userName, typeLabel]);
}

function ExportButton(props: { query: ReportQueryInput }) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const { blob, filename } = await api.exportReport(props.query);
      saveBlob(blob, filename);
      notify({ message: t('reports.exported', { filename }) });
    } catch (e) {
      notify({ message: errorMessage(e), severity: httpStatus(e) === 403 ? 'warning' : 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="outlined"
      onClick={run}
      disabled={busy}
      aria-busy={busy}
      startIcon={busy ? <CircularProgress size={16} color="inherit" /> : <FileDownloadIcon />}
      data-testid="workflow-report-export"
    >
      {busy ? t('reports.exporting') : t('reports.export')}
    </Button>
  );
}

function Report() {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  // the filters live in the URL like every list's, so a report can be shared as a link
  const list = useUrlListState({ sort: 'flow', order: 'asc' });
  const from = list.params.has('from') ? list.get('from') : shanghaiDay(new Date(), -30);
  const to = list.params.has('to') ? list.get('to') : shanghaiDay(new Date());
  const groupBy = (REPORT_GROUPS as readonly string[]).includes(list.get('groupBy'))
    ? (list.get('groupBy') as ReportGroup)
    : 'flow';
  const flowId = list.get('flowId');
  const rangeError = from && to && from > to ? t('reports.rangeInvalid') : undefined;
  const query: ReportQueryInput = {
    from: from || undefined,
    to: to || undefined,
    flowId: flowId || undefined,
    groupBy,
  };
  const key = JSON.stringify(query);
  const data = useLoad(() => (rangeError ? Promise.resolve(undefined) : api.getReport(query)), [api, key, rangeError]);
  // the flow filter needs the flow list, which only flow readers get; without it the report still works
  const flows = useLoad(() => api.listFlows().catch(() => []), [api]);
  const columns = useColumns(groupBy);
  const rows = data.value?.items ?? [];

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value && !rangeError) body = <LoadingState />;
  else if (!rows.length)
    body = <EmptyState testId="workflow-report-empty" title={t('reports.empty')} hint={t('reports.emptyHint')} />;
  else
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label={t('reports.title')} data-testid="workflow-report-table">
          <TableHead>
            <TableRow>
              {columns.map(c => (
                <TableCell key={c.key} align={c.align}>
                  {t(c.label)}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r, i) => (
              <TableRow key={`${r.flowId}-${r.stepId}-${r.approver}-${i}`}>
                {columns.map(c => (
                  <TableCell
                    key={c.key}
                    align={c.align}
                    sx={
                      c.key === 'slaBreaches' && r.slaBreaches > 0
                        ? { color: 'error.main', fontWeight: 600 }
                        : undefined
                    }
                  >
                    {c.value(r)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );

  return (
    <Box>
      <Paper variant="outlined" sx={{ p: 1.5, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'flex-start' }}>
          <DateRange
            label={t('reports.range')}
            from={from}
            to={to}
            error={rangeError}
            onChange={(f, tt) => list.update({ from: f, to: tt })}
            testId="workflow-report-date"
          />
          <TextField
            select
            size="small"
            label={t('reports.flow')}
            value={flowId}
            onChange={e => list.update({ flowId: e.target.value || null })}
            sx={{ minWidth: 180 }}
            inputProps={{ 'data-testid': 'workflow-report-flow' }}
          >
            <MenuItem value="">{t('common.all')}</MenuItem>
            {(flows.value ?? []).map(f => (
              <MenuItem key={f.id} value={f.id}>
                {f.name}
              </MenuItem>
            ))}
          </TextField>
          <ToggleButtonGroup
            exclusive
            size="small"
            value={groupBy}
            onChange={(_, v: ReportGroup | null) => v && list.update({ groupBy: v === 'flow' ? null : v })}
            aria-label={t('reports.groupBy')}
          >
            {REPORT_GROUPS.map(g => (
              <ToggleButton key={g} value={g} data-testid={`workflow-report-group-${g}`}>
                {t(`reports.groups.${g}`)}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Box sx={{ flex: 1 }} />
          <ExportButton query={query} />
        </Box>
      </Paper>
      {data.value && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t('reports.generatedAt', { time: formatDateTime(data.value.generatedAt) })}
        </Typography>
      )}
      {body}
    </Box>
  );
}

/** 审批报表 for holders of workflow.report.read: per flow, node or approver. */
export function ReportsPage() {
  const { t } = useWorkflowT();
  const permission = usePermission({ permission: workflowReportReadPermission });
  return (
    <Box>
      <Typography variant="h5" component="h2" sx={{ mb: 0.5 }}>
        {t('reports.title')}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('reports.subtitle')}
      </Typography>
      {permission.loading && <LoadingState />}
      {!permission.loading && !permission.allowed && (
        <Box data-testid="workflow-report-forbidden" sx={{ textAlign: 'center', py: 5 }}>
          <LockOutlined sx={{ fontSize: 44, color: 'text.disabled' }} />
          <Typography variant="h6">{t('reports.forbidden')}</Typography>
        </Box>
      )}
      {permission.allowed && <Report />}
    </Box>
  );
}
