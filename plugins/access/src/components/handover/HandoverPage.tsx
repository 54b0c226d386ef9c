import { FormEvent, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Paper from '@mui/material/Paper';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import PreviewOutlined from '@mui/icons-material/PreviewOutlined';
import SwapHoriz from '@mui/icons-material/SwapHoriz';
import { useApi } from '@backstage/frontend-plugin-api';
import { accessMessage, handoverRequestSchema } from '@cocrm/plugin-access-common';
import type { HandoverKind, HandoverPreview, HandoverRecord, HandoverRequest } from '@cocrm/plugin-access-common';
import { EmptyState } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, apiFieldErrors, ConfirmDialog } from '../common/feedback';
import { useNames } from '../common/org';
import { DepartmentPicker, UserMultiPicker, UserPicker } from '../common/pickers';
import { describeIssues, fieldError } from '../common/validation';
import { HandoverHistory, useCountsText } from './HandoverHistory';

interface FormState {
  kind: HandoverKind;
  from: string | null;
  receivers: string[];
  receiverDepartment: string | null;
  /** type → receiver; absent = spread over the receivers */
  receiverByType: Record<string, string>;
  excludeTypes: string[];
  reason: string;
}

const initialForm = (kind: HandoverKind = 'employee'): FormState => ({
  kind,
  from: null,
  receivers: [],
  receiverDepartment: null,
  receiverByType: {},
  excludeTypes: [],
  reason: '',
});

export function buildHandoverRequest(f: FormState): HandoverRequest {
  const employee = f.kind === 'employee';
  const byType = Object.fromEntries(Object.entries(f.receiverByType).filter(([, v]) => !!v));
  return {
    kind: f.kind,
    from: f.from ?? '',
    receivers: employee ? f.receivers : [f.receiverDepartment].filter((r): r is string => !!r),
    ...(employee && Object.keys(byType).length ? { receiverByType: byType } : {}),
    ...(f.excludeTypes.length ? { excludeTypes: f.excludeTypes } : {}),
    ...(f.reason.trim() ? { reason: f.reason.trim() } : {}),
  };
}

const ITEMS_PAGE_SIZE = 10;

/** 工作移交: fill in → 预览 (counts, items, blocking problems) → 确认移交; history below. */
export function HandoverPage() {
  const { t, locale, label } = useAccessT();
  const api = useApi(accessApiRef);
  const { subjectName } = useNames();
  const [form, setForm] = useState<FormState>(() => initialForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [preview, setPreview] = useState<{ request: string; result: HandoverPreview }>();
  const [previewing, setPreviewing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [executing, setExecuting] = useState(false);
  const [executeError, setExecuteError] = useState<unknown>();
  const [record, setRecord] = useState<HandoverRecord>();
  const [itemsPage, setItemsPage] = useState(0);
  const [historyKey, setHistoryKey] = useState(0);

  const request = buildHandoverRequest(form);
  const requestKey = JSON.stringify(request);
  const result = preview?.result;
  const stale = !!preview && preview.request !== requestKey;
  const employee = form.kind === 'employee';

  const typeLabels = useMemo(
    () => Object.fromEntries((result?.itemTypes ?? []).map(it => [it.type, label(it.label, it.type)])),
    [result, label],
  );
  const countsText = useCountsText(typeLabels);

  const set = (changes: Partial<FormState>) => {
    setForm(f => ({ ...f, ...changes }));
    setErrors(e => {
      const next = { ...e };
      for (const k of Object.keys(changes)) delete next[k === 'receiverDepartment' ? 'receivers' : k];
      return next;
    });
    setRecord(undefined);
  };

  const validate = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!form.from) out.from = t('common.required');
    if (employee && !form.receivers.length) out.receivers = accessMessage(locale, 'handoverNoReceiver');
    if (!employee && !form.receiverDepartment) out.receivers = accessMessage(locale, 'handoverDepartmentReceiver');
    if (form.from && request.receivers.some(r => r.toLowerCase() === form.from!.toLowerCase())) {
      out.receivers = accessMessage(locale, 'handoverSelf');
    }
    const parsed = handoverRequestSchema.safeParse(request);
    if (!parsed.success) {
      for (const [k, v] of Object.entries(describeIssues(parsed.error.issues, request, locale))) {
        const top = k.split('.')[0];
        if (!out[top]) out[top] = v;
      }
    }
    return out;
  };

  const runPreview = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (previewing) return;
    setError(undefined);
    setRecord(undefined);
    const clientErrors = validate();
    if (Object.keys(clientErrors).length) {
      setErrors(clientErrors);
      return;
    }
    setPreviewing(true);
    try {
      const res = await api.previewHandover(request);
      setPreview({ request: requestKey, result: res });
      setItemsPage(0);
      setErrors({});
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(e);
    } finally {
      setPreviewing(false);
    }
  };

  const execute = async () => {
    setExecuting(true);
    setExecuteError(undefined);
    try {
      const done = await api.executeHandover(request);
      setConfirming(false);
      setRecord(done);
      setPreview(undefined);
      setHistoryKey(k => k + 1);
    } catch (e) {
      // all-or-nothing: the message says why nothing moved; it stays in the dialog
      setExecuteError(e);
      setErrors(apiFieldErrors(e));
    } finally {
      setExecuting(false);
    }
  };

  const blocked = !!result && result.problems.length > 0;
  const canExecute = !!result && !stale && !blocked && result.items.length > 0 && !executing;
  let activeStep = 0;
  if (record) activeStep = 3;
  else if (result && !stale) activeStep = 1;

  const items = result?.items ?? [];
  const pageItems = items.slice(itemsPage * ITEMS_PAGE_SIZE, (itemsPage + 1) * ITEMS_PAGE_SIZE);

  return (
    <Box>
      <Typography variant="h5">{t('handover.title')}</Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('handover.hint')}
      </Typography>
      <Stepper activeStep={activeStep} sx={{ mb: 2, maxWidth: 640 }}>
        <Step>
          <StepLabel>{t('handover.step1')}</StepLabel>
        </Step>
        <Step>
          <StepLabel>{t('handover.step2')}</StepLabel>
        </Step>
        <Step>
          <StepLabel>{t('handover.step3')}</StepLabel>
        </Step>
      </Stepper>

      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box
          component="form"
          onSubmit={runPreview}
          noValidate
          data-testid="handover-form"
          sx={{ display: 'grid', gap: 2, maxWidth: 760 }}
        >
          {!!error && <ApiErrorAlert error={error} />}
          <Box>
            <FormLabel component="div" sx={{ mb: 0.5, fontSize: 13 }}>
              {t('handover.kind')}
            </FormLabel>
            <ToggleButtonGroup
              exclusive
              size="small"
              value={form.kind}
              onChange={(_, v: HandoverKind | null) => {
                if (!v || v === form.kind) return;
                setForm(initialForm(v));
                setErrors({});
                setPreview(undefined);
                setRecord(undefined);
              }}
            >
              <ToggleButton value="employee" data-testid="handover-kind-employee">
                {t('handover.kindEmployee')}
              </ToggleButton>
              <ToggleButton value="department" data-testid="handover-kind-department">
                {t('handover.kindDepartment')}
              </ToggleButton>
            </ToggleButtonGroup>
          </Box>
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1.4fr' } }}>
            {employee ? (
              <UserPicker
                label={t('handover.fromUser')}
                value={form.from}
                onChange={v => set({ from: v })}
                error={errors.from}
                required
                fullWidth
                testId="handover-from"
              />
            ) : (
              <DepartmentPicker
                label={t('handover.fromDepartment')}
                value={form.from}
                onChange={v => set({ from: v })}
                error={errors.from}
                required
                fullWidth
                testId="handover-from"
              />
            )}
            {employee ? (
              <UserMultiPicker
                label={t('handover.receivers')}
                value={form.receivers}
                onChange={v => set({ receivers: v })}
                exclude={form.from ? [form.from] : []}
                error={fieldError(errors, 'receivers')}
                helperText={t('handover.receiversHint')}
                required
                fullWidth
                testId="handover-receivers"
              />
            ) : (
              <DepartmentPicker
                label={t('handover.receiverDepartment')}
                value={form.receiverDepartment}
                onChange={v => set({ receiverDepartment: v })}
                exclude={form.from ? [form.from] : []}
                error={fieldError(errors, 'receivers')}
                required
                fullWidth
                testId="handover-receiver-department"
              />
            )}
          </Box>
          {result && result.itemTypes.length > 0 && (
            <Box data-testid="handover-per-type">
              <Typography variant="subtitle2">{t('handover.perType')}</Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                {t('handover.perTypeHint')}
              </Typography>
              <Box sx={{ display: 'grid', gap: 1 }}>
                {result.itemTypes.map(it => {
                  const excluded = form.excludeTypes.includes(it.type);
                  return (
                    <Box
                      key={it.type}
                      sx={{
                        display: 'grid',
                        gap: 1.5,
                        alignItems: 'center',
                        gridTemplateColumns: { xs: '1fr', sm: '140px 1fr auto' },
                      }}
                    >
                      <Typography variant="body2">{label(it.label, it.type)}</Typography>
                      {employee ? (
                        <UserPicker
                          label={t('handover.receiver')}
                          value={form.receiverByType[it.type] ?? null}
                          onChange={v => {
                            const next = { ...form.receiverByType };
                            if (v) next[it.type] = v;
                            else delete next[it.type];
                            set({ receiverByType: next });
                          }}
                          exclude={form.from ? [form.from] : []}
                          helperText={form.receiverByType[it.type] ? undefined : t('handover.spread')}
                          disabled={excluded}
                          error={errors[`receiverByType.${it.type}`]}
                          fullWidth
                          testId={`handover-type-receiver-${it.type}`}
                        />
                      ) : (
                        <span />
                      )}
                      <FormControlLabel
                        control={
                          <Checkbox
                            checked={excluded}
                            onChange={e =>
                              set({
                                excludeTypes: e.target.checked
                                  ? [...form.excludeTypes, it.type]
                                  : form.excludeTypes.filter(x => x !== it.type),
                              })
                            }
                            inputProps={{ 'data-testid': `handover-exclude-${it.type}` } as Record<string, string>}
                          />
                        }
                        label={t('handover.exclude')}
                      />
                    </Box>
                  );
                })}
              </Box>
            </Box>
          )}
          <TextField
            size="small"
            label={t('handover.reason')}
            placeholder={t('handover.reasonPlaceholder')}
            value={form.reason}
            onChange={e => set({ reason: e.target.value })}
            error={!!errors.reason}
            helperText={errors.reason}
            inputProps={{ 'data-testid': 'handover-reason', maxLength: 500 }}
          />
          <Box>
            <Button
              type="submit"
              variant={result && !stale ? 'outlined' : 'contained'}
              disabled={previewing}
              startIcon={previewing ? <CircularProgress size={16} color="inherit" /> : <PreviewOutlined />}
              data-testid="handover-preview"
            >
              {result ? t('handover.previewAgain') : t('handover.preview')}
            </Button>
          </Box>
        </Box>
      </Paper>

      {record && (
        <Alert
          severity={record.status === 'completed' ? 'success' : 'error'}
          sx={{ mb: 2 }}
          data-testid="handover-result"
          action={
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                setForm(initialForm(form.kind));
                setRecord(undefined);
              }}
            >
              {t('handover.newHandover')}
            </Button>
          }
        >
          <AlertTitle>{record.status === 'completed' ? t('handover.done') : t('handover.failed')}</AlertTitle>
          {subjectName(record.from)} → {record.receivers.map(subjectName).join('、')}：{countsText(record.counts)}
          {record.error && <Box>{record.error}</Box>}
        </Alert>
      )}

      {result && (
        <Paper variant="outlined" sx={{ p: 2, mb: 3, opacity: stale ? 0.7 : 1 }} data-testid="handover-preview-result">
          {stale && (
            <Alert severity="info" sx={{ mb: 2 }} data-testid="handover-preview-stale">
              {t('handover.previewStale')}
            </Alert>
          )}
          <Typography variant="subtitle2" sx={{ mb: 1 }}>
            {t('handover.counts')}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 2 }}>
            {result.itemTypes.map(it => (
              <Chip
                key={it.type}
                color={result.counts[it.type] ? 'primary' : 'default'}
                variant="outlined"
                label={t('handover.countOf', { label: label(it.label, it.type), count: result.counts[it.type] ?? 0 })}
                data-testid={`handover-count-${it.type}`}
              />
            ))}
          </Box>
          {blocked && (
            <Alert severity="error" sx={{ mb: 2 }} data-testid="handover-problems">
              <AlertTitle>{t('handover.problems')}</AlertTitle>
              <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
                {result.problems.map((p, i) => (
                  <li key={i}>{label(p.message)}</li>
                ))}
              </Box>
            </Alert>
          )}
          {items.length === 0 ? (
            <EmptyState testId="handover-no-items" title={t('handover.noItems')} />
          ) : (
            <>
              <Typography variant="subtitle2">{t('handover.items')}</Typography>
              <Table size="small" aria-label={t('handover.items')} data-testid="handover-items">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('handover.type')}</TableCell>
                    <TableCell>{t('handover.item')}</TableCell>
                    <TableCell>{t('handover.receiver')}</TableCell>
                    <TableCell>{t('handover.note')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {pageItems.map(item => (
                    <TableRow key={`${item.type}-${item.id}`}>
                      <TableCell>{typeLabels[item.type] ?? item.type}</TableCell>
                      <TableCell>{item.title}</TableCell>
                      <TableCell>{subjectName(item.receiver)}</TableCell>
                      <TableCell sx={{ color: 'text.secondary' }}>{label(item.note)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {items.length > ITEMS_PAGE_SIZE && (
                <TablePagination
                  component="div"
                  count={items.length}
                  page={itemsPage}
                  rowsPerPage={ITEMS_PAGE_SIZE}
                  rowsPerPageOptions={[ITEMS_PAGE_SIZE]}
                  onPageChange={(_, p) => setItemsPage(p)}
                  labelDisplayedRows={({ from, to, count }) => t('common.pageOf', { from, to, count })}
                />
              )}
            </>
          )}
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 2 }}>
            <Button
              variant="contained"
              color="primary"
              startIcon={<SwapHoriz />}
              disabled={!canExecute}
              onClick={() => {
                setExecuteError(undefined);
                setConfirming(true);
              }}
              data-testid="handover-execute"
            >
              {t('handover.execute')}
            </Button>
            {blocked && (
              <Typography variant="body2" color="error">
                {accessMessage(locale, 'handoverBlocked')}
              </Typography>
            )}
          </Box>
        </Paper>
      )}

      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        {t('handover.history')}
      </Typography>
      <HandoverHistory refreshKey={historyKey} typeLabels={typeLabels} />

      <ConfirmDialog
        open={confirming}
        tone="primary"
        title={t('handover.confirmTitle', { count: items.length })}
        text={
          <>
            <Box sx={{ mb: 1 }}>{countsText(result?.counts ?? {})}</Box>
            {t('handover.confirmText')}
          </>
        }
        confirmLabel={t('handover.execute')}
        busy={executing}
        error={executeError}
        onConfirm={execute}
        onClose={() => setConfirming(false)}
      />
    </Box>
  );
}
