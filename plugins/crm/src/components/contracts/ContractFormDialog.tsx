import { FormEvent, ReactNode, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CONTRACT_FORMATS,
  CONTRACT_TYPES,
  contractCreateSchema,
  contractUpdateSchema,
  crmMessage,
  describeIssues,
} from '@cocrm/plugin-crm-common';
import type { Contract, ContractFormat, ContractInput, ContractType } from '@cocrm/plugin-crm-common';
import { LoadingState, useCurrentUserRef } from '@cocrm/suite-react';
import { CrmApiError, crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { CrmAccess, fieldRulesOf, useCrmAccess, withoutFields } from '../common/access';
import { DepartmentSelect } from '../common/departments';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { fenToYuanInput, parseYuanToFen } from '../common/format';
import { CustomerAutocomplete, CustomerRef, EnumSelect } from '../common/selects';
import { SingleUserPicker } from '../common/users';
import { fieldError } from '../customers/CustomerFormDialog';

export interface ContractFormState {
  name: string;
  customer: CustomerRef | null;
  contractType: ContractType;
  format: ContractFormat;
  amount: string;
  signedAt: string;
  startDate: string;
  endDate: string;
  paymentTerms: string;
  standard: string;
  keyTerms: string;
  remark: string;
  owner: string | null;
  ownerDepartment: string | null;
}

function initial(c?: Contract, customer?: CustomerRef, me?: string): ContractFormState {
  return {
    name: c?.name ?? '',
    customer: c ? { id: c.customerId, name: c.customerName } : customer ?? null,
    contractType: c?.contractType ?? 'sales',
    format: c?.format ?? 'standard',
    amount: fenToYuanInput(c?.amount?.amount),
    signedAt: c?.signedAt ?? '',
    startDate: c?.startDate ?? '',
    endDate: c?.endDate ?? '',
    paymentTerms: c?.paymentTerms ?? '',
    standard: c?.standard ?? '',
    keyTerms: c?.keyTerms ?? '',
    remark: c?.remark ?? '',
    owner: c?.owner ?? me ?? null,
    ownerDepartment: c?.ownerDepartment ?? null,
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s);

/** 合同金额 is required: without the right to write it there is no contract to create. */
export function canCreateContracts(access: CrmAccess): boolean {
  return access.can('contract', 'create') && fieldRulesOf(access, 'contract').writable('amount');
}

/**
 * What the form sends: nothing hidden or read-only; 负责人 and 归属部门 only
 * with 分配 and only when changed (on create: another owner than oneself, or
 * a named department).
 */
export function contractRequestBody(
  form: ContractFormState,
  opts: { writable: (field: string) => boolean; canAssign: boolean; before?: Contract; me?: string; amountError: string },
): { input: Omit<ContractInput, 'customerId'>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const fen = parseYuanToFen(form.amount);
  // 合同金额 is required and positive; one the user may not write is not sent at all
  if (opts.writable('amount') && (typeof fen !== 'number' || fen <= 0)) errors.amount = opts.amountError;
  const all: Omit<ContractInput, 'customerId' | 'amount'> & { amount?: ContractInput['amount'] } = {
    name: form.name,
    contractType: form.contractType,
    format: form.format,
    ...(typeof fen === 'number' ? { amount: { amount: fen, currency: 'CNY' } } : {}),
    signedAt: orNull(form.signedAt),
    startDate: orNull(form.startDate),
    endDate: orNull(form.endDate),
    paymentTerms: orNull(form.paymentTerms),
    standard: orNull(form.standard),
    keyTerms: orNull(form.keyTerms),
    remark: orNull(form.remark),
    owner: form.owner ?? undefined,
    ownerDepartment: form.ownerDepartment,
  };
  const { before, canAssign } = opts;
  const keep = (field: string) => {
    if (field === 'owner') return canAssign && (before ? form.owner !== before.owner : !!form.owner && form.owner !== opts.me);
    if (field === 'ownerDepartment') return canAssign && (before ? (form.ownerDepartment ?? null) !== before.ownerDepartment : !!form.ownerDepartment);
    if (field === 'name') return true;
    return opts.writable(field);
  };
  const input = withoutFields(all, field => !keep(field)) as Omit<ContractInput, 'customerId'>;
  return { input, errors };
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0, mb: 2 }}>
      <Typography component="legend" variant="subtitle2" color="primary" sx={{ mb: 1.5 }}>
        {title}
      </Typography>
      <Grid container spacing={2}>
        {children}
      </Grid>
    </Box>
  );
}

export function ContractFormDialog(props: {
  open: boolean;
  contract?: Contract;
  /** the customer a new contract is for (the customer page); otherwise the form asks */
  customer?: CustomerRef;
  onClose: () => void;
  onSaved: (contract: Contract) => void;
  /** called when the user asks to reload after a stale-version conflict */
  onReload?: () => void;
}) {
  const { t, locale, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const me = useCurrentUserRef();
  const access = useCrmAccess();
  const rules = fieldRulesOf(access, 'contract');
  const canAssign = access.can('contract', 'assign');
  const editing = !!props.contract;
  const [form, setForm] = useState<ContractFormState>(() => initial(props.contract, props.customer, me));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm(initial(props.contract, props.customer, me));
      setErrors({});
      setSubmitError(undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open, props.contract, props.customer]);

  // default 负责人: the signed-in user
  useEffect(() => {
    if (props.open && !editing && me) setForm(f => (f.owner ? f : { ...f, owner: me }));
  }, [props.open, editing, me]);

  const set = <K extends keyof ContractFormState>(key: K, value: ContractFormState[K]) => {
    setForm(f => ({ ...f, [key]: value }));
    setErrors(e => {
      if (!e[key as string]) return e;
      const { [key as string]: _drop, ...rest } = e;
      return rest;
    });
  };

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (busy || access.loading) return;
    setSubmitError(undefined);
    const { input, errors: convErrors } = contractRequestBody(form, {
      writable: rules.writable,
      canAssign,
      before: props.contract,
      me,
      amountError: t('contract.amountInvalid'),
    });
    const body = editing ? { ...input, version: props.contract!.version } : { ...input, customerId: form.customer?.id ?? '' };
    const parsed = editing ? contractUpdateSchema.safeParse(body) : contractCreateSchema.safeParse(body);
    const errs = { ...(parsed.success ? {} : describeIssues(parsed.error.issues, body, locale)), ...convErrors };
    if (!editing && !form.customer) errs.customerId = t('contract.customerRequired');
    if (Object.keys(errs).length) {
      setErrors(errs);
      setSubmitError(new Error(crmMessage(locale, 'validationFailed')));
      return;
    }
    setBusy(true);
    try {
      const saved = editing
        ? await api.updateContract(props.contract!.id, { ...input, version: props.contract!.version })
        : await api.createContract({ ...input, customerId: form.customer!.id } as ContractInput);
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof CrmApiError && e.fields) setErrors(e.fields);
      setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  const hint = (field: string) => (rules.readOnly(field) ? t('common.readOnly') : undefined);
  const assignHint = canAssign ? undefined : t('contract.assignOnly');

  const text = (
    field: 'name' | 'amount' | 'signedAt' | 'startDate' | 'endDate' | 'paymentTerms' | 'standard' | 'keyTerms' | 'remark',
    opts: { label?: string; required?: boolean; multiline?: boolean; type?: string; md?: number; adornment?: string; inputMode?: 'decimal' } = {},
  ) =>
    rules.hidden(field) ? null : (
      <Grid item xs={12} md={opts.md ?? 6}>
        <TextField
          fullWidth
          size="small"
          name={field}
          label={opts.label ?? fieldLabel(field)}
          required={opts.required}
          disabled={field !== 'name' && rules.readOnly(field)}
          multiline={opts.multiline}
          minRows={opts.multiline ? 2 : undefined}
          type={opts.type}
          value={form[field]}
          onChange={e => set(field, e.target.value)}
          error={!!fieldError(errors, field)}
          helperText={fieldError(errors, field) ?? hint(field)}
          InputLabelProps={opts.type === 'date' ? { shrink: true } : undefined}
          InputProps={opts.adornment ? { startAdornment: <InputAdornment position="start">{opts.adornment}</InputAdornment> } : undefined}
          inputProps={{ 'data-testid': `crm-contract-${field}`, inputMode: opts.inputMode }}
        />
      </Grid>
    );

  const content = (
    <>
      {!!submitError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={submitError} onReload={props.onReload} />
        </Box>
      )}
      <Section title={t('contract.section.basic')}>
        {text('name', { label: fieldLabel('contractName'), required: true, md: 12 })}
        <Grid item xs={12} md={6}>
          {editing || props.customer ? (
            <TextField
              fullWidth
              size="small"
              label={fieldLabel('customerId')}
              value={form.customer?.name ?? ''}
              disabled
              helperText={editing ? t('contract.customerFixed') : undefined}
            />
          ) : (
            <CustomerAutocomplete
              label={`${fieldLabel('customerId')} *`}
              value={form.customer}
              onChange={v => set('customer', v)}
              error={errors.customerId}
            />
          )}
        </Grid>
        {!rules.hidden('contractType') && (
          <Grid item xs={12} md={3}>
            <EnumSelect
              group="contractType"
              name="contractType"
              values={CONTRACT_TYPES}
              label={fieldLabel('contractType')}
              value={form.contractType}
              allowEmpty={false}
              disabled={rules.readOnly('contractType')}
              hint={hint('contractType')}
              onChange={v => set('contractType', (v ?? 'sales') as ContractType)}
              error={errors.contractType}
            />
          </Grid>
        )}
        {!rules.hidden('format') && (
          <Grid item xs={12} md={3}>
            <EnumSelect
              group="contractFormat"
              name="format"
              values={CONTRACT_FORMATS}
              label={fieldLabel('format')}
              value={form.format}
              allowEmpty={false}
              disabled={rules.readOnly('format')}
              hint={hint('format')}
              onChange={v => set('format', (v ?? 'standard') as ContractFormat)}
              error={errors.format}
            />
          </Grid>
        )}
      </Section>
      <Section title={t('contract.section.period')}>
        {text('amount', { required: true, md: 6, adornment: '¥', inputMode: 'decimal' })}
        {text('signedAt', { type: 'date', md: 6 })}
        {text('startDate', { type: 'date', md: 6 })}
        {text('endDate', { type: 'date', md: 6 })}
      </Section>
      {['paymentTerms', 'standard', 'keyTerms'].some(f => !rules.hidden(f)) && (
        <Section title={t('contract.section.terms')}>
          {text('paymentTerms', { multiline: true, md: 12 })}
          {text('standard', { md: 12 })}
          {text('keyTerms', { multiline: true, md: 12 })}
        </Section>
      )}
      <Section title={t('contract.section.ownership')}>
        <Grid item xs={12} md={6}>
          <SingleUserPicker
            fullWidth
            label={fieldLabel('owner')}
            value={form.owner}
            disabled={!canAssign}
            hint={assignHint}
            onChange={v => set('owner', v)}
            error={errors.owner}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <DepartmentSelect
            label={fieldLabel('ownerDepartment')}
            value={form.ownerDepartment}
            disabled={!canAssign}
            helperText={assignHint ?? t('contract.ownerDepartmentHint')}
            onChange={v => set('ownerDepartment', v)}
            error={errors.ownerDepartment}
          />
        </Grid>
      </Section>
      {!rules.hidden('remark') && <Section title={t('contract.section.remark')}>{text('remark', { multiline: true, md: 12 })}</Section>}
    </>
  );

  return (
    <Dialog open={props.open} onClose={() => !busy && props.onClose()} maxWidth="md" fullWidth aria-labelledby="crm-contract-form-title">
      <form onSubmit={submit} noValidate data-testid="crm-contract-form">
        <DialogTitle id="crm-contract-form-title">{editing ? t('contract.editTitle') : t('contract.createTitle')}</DialogTitle>
        <DialogContent dividers>
          {/* which fields to show and send depends on the user's field rules */}
          {access.loading && <LoadingState />}
          {!access.loading && access.error && <ErrorState error={access.error} onRetry={access.retry} />}
          {!access.loading && !access.error && content}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="contained" disabled={busy || access.loading || !!access.error} data-testid="crm-contract-submit">
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
