import { useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FileDownloadOutlined from '@mui/icons-material/FileDownloadOutlined';
import ExpandMore from '@mui/icons-material/ExpandMore';
import ExpandLess from '@mui/icons-material/ExpandLess';
import { GridColDef } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import type { AuditEntry } from '@cocrm/plugin-access-common';
import { EmptyState, SearchBox, ServerGrid, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { accessApiRef, AUDIT_SOURCES, AuditQueryInput, AuditSource } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useNames } from '../common/org';
import { UserPicker } from '../common/pickers';
import { useChangeText } from './changes';

const PAGE_SIZES = [25, 50, 100];
const FILTER_KEYS = ['actor', 'recordType', 'action', 'from', 'to', 'q'];

/** Suggestions only: the filters accept any value, since each plugin names its own record types and actions. */
const RECORD_TYPES: Record<AuditSource, string[]> = {
  crm: ['customer', 'contact', 'relation', 'visit'],
  access: ['role', 'grant', 'handover'],
};
const ACTIONS: Record<AuditSource, string[]> = {
  crm: ['created', 'updated', 'deleted', 'restored', 'handedOver', 'handoverReverted'],
  access: [
    'created',
    'updated',
    'deleted',
    'member-added',
    'member-removed',
    'completed',
    'failed',
    'defaults-applied',
  ],
};

/** Saves a blob under a file name (the browser's download, nothing leaves the page). */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoke later: some browsers read the URL after click() returns
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ValueFilter(props: {
  label: string;
  value: string;
  options: string[];
  optionLabel: (v: string) => string;
  onChange: (v: string | null) => void;
  testId: string;
}) {
  const { t } = useAccessT();
  return (
    <Autocomplete
      freeSolo
      size="small"
      sx={{ minWidth: 150 }}
      options={props.options}
      value={props.value || null}
      getOptionLabel={props.optionLabel}
      noOptionsText={t('common.noOptions')}
      onChange={(_, v) => props.onChange(v ? String(v) : null)}
      renderInput={params => (
        <TextField {...params} label={props.label} inputProps={{ ...params.inputProps, 'data-testid': props.testId }} />
      )}
    />
  );
}

/** 审计日志: the audit of 客户管理 or 系统设置, one server-paged grid and its Excel export. */
export function AuditPage() {
  const { t, groupLabel } = useAccessT();
  const api = useApi(accessApiRef);
  const notify = useNotify();
  const { userName } = useNames();
  // the time is the only order the audit log offers
  const list = useUrlListState({
    sort: 'at',
    order: 'desc',
    pageSize: 50,
    pageSizes: PAGE_SIZES,
    isSortable: f => f === 'at',
  });
  const source: AuditSource = (AUDIT_SOURCES as readonly string[]).includes(list.get('source'))
    ? (list.get('source') as AuditSource)
    : 'crm';
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>();

  const filters: AuditQueryInput = {
    actor: list.get('actor') || undefined,
    recordType: list.get('recordType') || undefined,
    action: list.get('action') || undefined,
    from: list.get('from') || undefined,
    to: list.get('to') || undefined,
    q: list.get('q') || undefined,
    order: list.order,
  };
  const query: AuditQueryInput = { ...filters, page: list.page, pageSize: list.pageSize };
  const queryKey = JSON.stringify(query);
  const data = useLoad(() => api.listAudit(source, query), [api, source, queryKey]);
  const filtered = FILTER_KEYS.some(k => list.get(k));

  const sourceLabel = (s: string) => {
    if (s === 'crm') return t('audit.sourceCrm');
    if (s === 'access') return t('audit.sourceAccess');
    return s;
  };

  const { fieldLabel, valueText } = useChangeText();

  const toggle = (id: string) =>
    setExpanded(prev => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const columns: GridColDef<AuditEntry>[] = [
    {
      field: 'at',
      headerName: t('audit.time'),
      width: 170,
      valueGetter: (_v, row) => formatDateTime(row.at, true),
    },
    {
      field: 'actor',
      headerName: t('audit.actor'),
      width: 110,
      sortable: false,
      valueGetter: (_v, row) => userName(row.actor),
    },
    {
      field: 'source',
      headerName: t('audit.source'),
      width: 100,
      sortable: false,
      valueGetter: (_v, row) => sourceLabel(row.source),
    },
    {
      field: 'recordType',
      headerName: t('audit.recordType'),
      width: 110,
      sortable: false,
      valueGetter: (_v, row) => groupLabel('audit.recordTypes', row.recordType),
    },
    {
      field: 'summary',
      headerName: t('audit.summary'),
      flex: 1,
      minWidth: 180,
      sortable: false,
      renderCell: p => (
        <Box sx={{ py: 0.75 }}>
          <div>{p.row.summary || p.row.recordId}</div>
          {p.row.summary && (
            <Typography variant="caption" color="text.secondary" fontFamily="monospace">
              {p.row.recordId}
            </Typography>
          )}
        </Box>
      ),
    },
    {
      field: 'action',
      headerName: t('audit.action'),
      width: 90,
      sortable: false,
      valueGetter: (_v, row) => groupLabel('audit.actions', row.action),
    },
    {
      field: 'changes',
      headerName: t('audit.changes'),
      flex: 1.5,
      minWidth: 260,
      sortable: false,
      renderCell: p => {
        const changes = p.row.changes ?? [];
        if (!changes.length) return <Typography color="text.disabled">{t('audit.noChanges')}</Typography>;
        const open = expanded.has(p.row.id);
        return (
          <Box sx={{ py: 0.5, width: '100%' }}>
            <Button
              size="small"
              onClick={() => toggle(p.row.id)}
              endIcon={open ? <ExpandLess /> : <ExpandMore />}
              aria-expanded={open}
              data-testid={`audit-changes-${p.row.id}`}
              sx={{ px: 0.5, minWidth: 0 }}
            >
              {t('audit.changeCount', { count: changes.length })}
            </Button>
            {open && (
              <Box
                component="ul"
                sx={{ m: 0, pl: 2, whiteSpace: 'normal' }}
                data-testid={`audit-change-list-${p.row.id}`}
              >
                {changes.map((c, i) => (
                  <li key={`${c.field}-${i}`}>
                    <strong>{fieldLabel(p.row, c.field)}</strong>：
                    <Box component="span" sx={{ color: 'text.secondary', textDecoration: 'line-through' }}>
                      {valueText(c.from)}
                    </Box>
                    {' → '}
                    {valueText(c.to)}
                  </li>
                ))}
              </Box>
            )}
          </Box>
        );
      },
    },
  ];

  const doExport = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      const { blob, filename } = await api.exportAudit(source, filters);
      saveBlob(blob, filename);
      notify({ message: t('audit.exported', { name: filename }) });
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const empty = data.value && data.value.totalCount === 0 && !data.loading;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="h5">{t('audit.title')}</Typography>
          <Typography variant="body2" color="text.secondary">
            {t('audit.timezoneHint')}
          </Typography>
        </Box>
        <Button
          variant="outlined"
          startIcon={exporting ? <CircularProgress size={16} /> : <FileDownloadOutlined />}
          onClick={doExport}
          disabled={exporting}
          data-testid="access-audit-export"
        >
          {exporting ? t('audit.exporting') : t('audit.export')}
        </Button>
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
          <TextField
            select
            size="small"
            label={t('audit.source')}
            value={source}
            sx={{ minWidth: 130 }}
            onChange={e => {
              // record types and actions differ per source
              list.update({ source: e.target.value === 'crm' ? null : e.target.value, recordType: null, action: null });
              setExpanded(new Set());
            }}
            inputProps={{ 'data-testid': 'access-audit-source' }}
          >
            {AUDIT_SOURCES.map(s => (
              <MenuItem key={s} value={s}>
                {sourceLabel(s)}
              </MenuItem>
            ))}
          </TextField>
          <Box sx={{ minWidth: 180 }}>
            <UserPicker
              label={t('audit.actor')}
              value={list.get('actor') || null}
              onChange={v => list.update({ actor: v })}
              fullWidth
              testId="access-audit-actor"
            />
          </Box>
          <ValueFilter
            label={t('audit.recordType')}
            value={list.get('recordType')}
            options={RECORD_TYPES[source]}
            optionLabel={v => groupLabel('audit.recordTypes', v)}
            onChange={v => list.update({ recordType: v })}
            testId="access-audit-record-type"
          />
          <ValueFilter
            label={t('audit.action')}
            value={list.get('action')}
            options={ACTIONS[source]}
            optionLabel={v => groupLabel('audit.actions', v)}
            onChange={v => list.update({ action: v })}
            testId="access-audit-action"
          />
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
            <TextField
              size="small"
              type="date"
              label={`${t('audit.dateRange')} ${t('common.from')}`}
              InputLabelProps={{ shrink: true }}
              value={list.get('from')}
              onChange={e => list.update({ from: e.target.value })}
              inputProps={{ 'data-testid': 'access-audit-from', max: list.get('to') || undefined }}
            />
            <TextField
              size="small"
              type="date"
              label={t('common.to')}
              InputLabelProps={{ shrink: true }}
              value={list.get('to')}
              onChange={e => list.update({ to: e.target.value })}
              inputProps={{ 'data-testid': 'access-audit-to', min: list.get('from') || undefined }}
            />
          </Box>
          <SearchBox list={list} placeholder={t('audit.q')} testId="access-audit-q" minWidth={240} />
          {filtered && (
            <Button onClick={() => list.clear(FILTER_KEYS)} data-testid="access-audit-clear">
              {t('common.clearFilters')}
            </Button>
          )}
        </Box>
      </Paper>
      {!!exportError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={exportError} />
        </Box>
      )}
      {/* eslint-disable-next-line no-nested-ternary */}
      {data.error && !data.value ? (
        <ErrorState error={data.error} onRetry={data.retry} />
      ) : empty ? (
        <EmptyState
          testId="access-audit-empty"
          title={t('audit.empty')}
          hint={t('audit.emptyHint')}
          action={filtered && <Button onClick={() => list.clear(FILTER_KEYS)}>{t('common.clearFilters')}</Button>}
        />
      ) : (
        <>
          {data.error && <ApiErrorAlert error={data.error} />}
          <ServerGrid<AuditEntry>
            list={list}
            rows={data.value?.items ?? []}
            totalCount={data.value?.totalCount ?? 0}
            loading={data.loading}
            columns={columns}
            getRowHeight={() => 'auto'}
            aria-label={t('audit.title')}
            testId="access-audit-grid"
          />
        </>
      )}
    </Box>
  );
}
