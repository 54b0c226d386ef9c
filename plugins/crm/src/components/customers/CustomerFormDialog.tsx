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
  CHANNELS,
  CUSTOMER_LEVELS,
  CUSTOMER_SOURCES,
  CUSTOMER_STATUSES,
  CUSTOMER_TYPES,
  INDUSTRY_POSITIONS,
  crmMessage,
  customerCreateSchema,
  customerUpdateSchema,
  describeIssues,
} from '@cocrm/plugin-crm-common';
import type {
  Channel,
  Customer,
  CustomerInput,
  CustomerLevel,
  CustomerSource,
  CustomerStatus,
  CustomerType,
  IndustryPosition,
} from '@cocrm/plugin-crm-common';
import { CrmApiError, crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { ApiErrorAlert } from '../common/feedback';
import { fenToYuanInput, parseYuanToFen } from '../common/format';
import {
  CustomerAutocomplete,
  CustomerRef,
  EnumSelect,
  IndustrySelect,
  RegionSelect,
} from '../common/selects';
import { UserPicker, useCurrentUserRef } from '../common/users';

interface FormState {
  name: string;
  shortName: string;
  unifiedSocialCreditCode: string;
  type: CustomerType;
  level: CustomerLevel | null;
  industryCode: string | null;
  industryPosition: IndustryPosition | null;
  regionCode: string | null;
  address: string;
  postcode: string;
  phone: string;
  website: string;
  annualRevenue: string;
  foundedOn: string;
  employeeCount: string;
  mainCustomers: string;
  managementStyle: string;
  expectedPurchase: string;
  parent: CustomerRef | null;
  group: CustomerRef | null;
  channel: Channel | null;
  source: CustomerSource | null;
  status: CustomerStatus;
  accountManagers: string[];
  remark: string;
}

function initialState(c?: Customer): FormState {
  return {
    name: c?.name ?? '',
    shortName: c?.shortName ?? '',
    unifiedSocialCreditCode: c?.unifiedSocialCreditCode ?? '',
    type: c?.type ?? 'enterprise',
    level: c?.level ?? null,
    industryCode: c?.industryCode ?? null,
    industryPosition: c?.industryPosition ?? null,
    regionCode: c?.regionCode ?? null,
    address: c?.address ?? '',
    postcode: c?.postcode ?? '',
    phone: c?.phone ?? '',
    website: c?.website ?? '',
    annualRevenue: fenToYuanInput(c?.annualRevenue?.amount),
    foundedOn: c?.foundedOn ?? '',
    employeeCount: c?.employeeCount === null || c?.employeeCount === undefined ? '' : String(c.employeeCount),
    mainCustomers: c?.mainCustomers ?? '',
    managementStyle: c?.managementStyle ?? '',
    expectedPurchase: fenToYuanInput(c?.expectedPurchase?.amount),
    parent: c?.parentId ? { id: c.parentId, name: c.parentName ?? c.parentId } : null,
    group: c?.groupId ? { id: c.groupId, name: c.groupName ?? c.groupId } : null,
    channel: c?.channel ?? null,
    source: c?.source ?? null,
    status: c?.status ?? 'potential',
    accountManagers: c?.accountManagers ?? [],
    remark: c?.remark ?? '',
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s);

/**
 * Builds the request body. Money is parsed from the 元 string into integer 分;
 * returns field errors for inputs that cannot even be converted.
 */
export function buildCustomerInput(
  f: FormState,
  messages: { money: string; integer: string },
): { input: CustomerInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const money = (field: 'annualRevenue' | 'expectedPurchase') => {
    const fen = parseYuanToFen(f[field]);
    if (fen === undefined) {
      errors[field] = messages.money;
      return null;
    }
    return fen === null ? null : { amount: fen, currency: 'CNY' };
  };
  let employeeCount: number | null = null;
  if (f.employeeCount.trim() !== '') {
    const s = f.employeeCount.normalize('NFKC').replace(/[\s,]/g, '');
    if (/^\d+$/.test(s)) employeeCount = Number(s);
    else errors.employeeCount = messages.integer;
  }
  const input: CustomerInput = {
    name: f.name,
    shortName: orNull(f.shortName),
    unifiedSocialCreditCode: orNull(f.unifiedSocialCreditCode),
    type: f.type,
    level: f.level,
    industryCode: f.industryCode,
    industryPosition: f.industryPosition,
    regionCode: f.regionCode,
    address: orNull(f.address),
    postcode: orNull(f.postcode),
    phone: orNull(f.phone),
    website: orNull(f.website),
    annualRevenue: money('annualRevenue'),
    foundedOn: orNull(f.foundedOn),
    employeeCount,
    mainCustomers: orNull(f.mainCustomers),
    managementStyle: orNull(f.managementStyle),
    expectedPurchase: money('expectedPurchase'),
    parentId: f.parent?.id ?? null,
    groupId: f.group?.id ?? null,
    channel: f.channel,
    source: f.source,
    status: f.status,
    accountManagers: f.accountManagers,
    remark: orNull(f.remark),
  };
  return { input, errors };
}

/** First message for `field` or any nested path below it ("annualRevenue.amount"). */
export function fieldError(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const key = Object.keys(errors).find(k => k.startsWith(`${field}.`));
  return key ? errors[key] : undefined;
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

export interface CustomerFormDialogProps {
  open: boolean;
  customer?: Customer;
  onClose: () => void;
  onSaved: (customer: Customer) => void;
  /** called when the user asks to reload after a stale-version conflict */
  onReload?: () => void;
}

export function CustomerFormDialog(props: CustomerFormDialogProps) {
  const { t, locale, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const me = useCurrentUserRef();
  const editing = !!props.customer;
  const [form, setForm] = useState<FormState>(() => initialState(props.customer));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm(initialState(props.customer));
      setErrors({});
      setSubmitError(undefined);
    }
  }, [props.open, props.customer]);

  // default 客户经理: the signed-in user
  useEffect(() => {
    if (props.open && !editing && me) {
      setForm(f => (f.accountManagers.length ? f : { ...f, accountManagers: [me] }));
    }
  }, [props.open, editing, me]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm(f => ({ ...f, [key]: value }));
    setErrors(e => {
      if (!e[key as string]) return e;
      const { [key as string]: _drop, ...rest } = e;
      return rest;
    });
  };

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (busy) return;
    setSubmitError(undefined);
    const { input, errors: convErrors } = buildCustomerInput(form, {
      money: t('customer.moneyInvalid'),
      integer: t('common.invalidNumber'),
    });
    const body = editing ? { ...input, version: props.customer!.version } : input;
    const parsed = editing ? customerUpdateSchema.safeParse(body) : customerCreateSchema.safeParse(body);
    const clientErrors = parsed.success ? {} : describeIssues(parsed.error.issues, body, locale);
    const all = { ...clientErrors, ...convErrors };
    if (Object.keys(all).length) {
      setErrors(all);
      setSubmitError(new Error(crmMessage(locale, 'validationFailed')));
      return;
    }
    setBusy(true);
    try {
      const saved = editing
        ? await api.updateCustomer(props.customer!.id, { ...input, version: props.customer!.version })
        : await api.createCustomer(input);
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof CrmApiError && e.fields) setErrors(e.fields);
      setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  const text = (
    field: keyof FormState,
    opts: { required?: boolean; multiline?: boolean; type?: string; md?: number; adornment?: string; inputMode?: 'decimal' | 'numeric' } = {},
  ) => (
    <Grid item xs={12} md={opts.md ?? 6}>
      <TextField
        fullWidth
        size="small"
        name={field}
        label={fieldLabel(field)}
        required={opts.required}
        multiline={opts.multiline}
        minRows={opts.multiline ? 2 : undefined}
        type={opts.type}
        value={form[field] as string}
        onChange={e => set(field, e.target.value as never)}
        error={!!fieldError(errors, field)}
        helperText={fieldError(errors, field)}
        InputLabelProps={opts.type === 'date' ? { shrink: true } : undefined}
        InputProps={
          opts.adornment ? { startAdornment: <InputAdornment position="start">{opts.adornment}</InputAdornment> } : undefined
        }
        inputProps={{ 'data-testid': `crm-field-${field}`, inputMode: opts.inputMode }}
      />
    </Grid>
  );

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="md"
      fullWidth
      aria-labelledby="crm-customer-form-title"
    >
      <form onSubmit={submit} noValidate data-testid="crm-customer-form">
        <DialogTitle id="crm-customer-form-title">
          {editing ? t('customer.editTitle') : t('customer.createTitle')}
        </DialogTitle>
        <DialogContent dividers>
          {!!submitError && (
            <Box sx={{ mb: 2 }}>
              <ApiErrorAlert error={submitError} onReload={props.onReload} />
            </Box>
          )}
          <Section title={t('customer.section.basic')}>
            {text('name', { required: true })}
            {text('shortName')}
            <Grid item xs={12} md={4}>
              <EnumSelect
                group="type"
                values={CUSTOMER_TYPES}
                label={fieldLabel('type')}
                value={form.type}
                allowEmpty={false}
                onChange={v => set('type', (v ?? 'enterprise') as CustomerType)}
                error={errors.type}
              />
            </Grid>
            <Grid item xs={12} md={4}>
              <EnumSelect
                group="level"
                values={CUSTOMER_LEVELS}
                label={fieldLabel('level')}
                value={form.level}
                onChange={v => set('level', v)}
                error={errors.level}
              />
            </Grid>
            <Grid item xs={12} md={4}>
              <EnumSelect
                group="status"
                values={CUSTOMER_STATUSES}
                label={fieldLabel('status')}
                value={form.status}
                allowEmpty={false}
                onChange={v => set('status', (v ?? 'potential') as CustomerStatus)}
                error={errors.status}
              />
            </Grid>
            {text('phone')}
            {text('website')}
            <Grid item xs={12}>
              <Typography variant="caption" color="text.secondary">
                {fieldLabel('regionCode')}
              </Typography>
              <RegionSelect
                mode="form"
                value={form.regionCode}
                onChange={v => set('regionCode', v)}
                error={fieldError(errors, 'regionCode')}
              />
            </Grid>
            {text('address', { md: 9 })}
            {text('postcode', { md: 3, inputMode: 'numeric' })}
          </Section>
          <Section title={t('customer.section.business')}>
            {text('unifiedSocialCreditCode')}
            {text('foundedOn', { type: 'date' })}
            <Grid item xs={12} md={8}>
              <Typography variant="caption" color="text.secondary">
                {fieldLabel('industryCode')}
              </Typography>
              <IndustrySelect
                mode="form"
                value={form.industryCode}
                onChange={v => set('industryCode', v)}
                error={fieldError(errors, 'industryCode')}
              />
            </Grid>
            <Grid item xs={12} md={4} sx={{ pt: { md: '36px !important' } }}>
              <EnumSelect
                group="industryPosition"
                values={INDUSTRY_POSITIONS}
                label={fieldLabel('industryPosition')}
                value={form.industryPosition}
                onChange={v => set('industryPosition', v)}
                error={errors.industryPosition}
              />
            </Grid>
          </Section>
          <Section title={t('customer.section.operation')}>
            {text('annualRevenue', { md: 4, adornment: '¥', inputMode: 'decimal' })}
            {text('expectedPurchase', { md: 4, adornment: '¥', inputMode: 'decimal' })}
            {text('employeeCount', { md: 4, inputMode: 'numeric' })}
            {text('mainCustomers', { multiline: true })}
            {text('managementStyle', { multiline: true })}
          </Section>
          <Section title={t('customer.section.relation')}>
            <Grid item xs={12} md={6}>
              <CustomerAutocomplete
                label={fieldLabel('parentId')}
                value={form.parent}
                excludeId={props.customer?.id}
                onChange={v => set('parent', v)}
                error={fieldError(errors, 'parentId')}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <CustomerAutocomplete
                label={fieldLabel('groupId')}
                value={form.group}
                excludeId={props.customer?.id}
                onChange={v => set('group', v)}
                error={fieldError(errors, 'groupId')}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <EnumSelect
                group="channel"
                values={CHANNELS}
                label={fieldLabel('channel')}
                value={form.channel}
                onChange={v => set('channel', v)}
                error={errors.channel}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <EnumSelect
                group="source"
                values={CUSTOMER_SOURCES}
                label={fieldLabel('source')}
                value={form.source}
                onChange={v => set('source', v)}
                error={errors.source}
              />
            </Grid>
            <Grid item xs={12}>
              <UserPicker
                fullWidth
                label={fieldLabel('accountManagers')}
                value={form.accountManagers}
                onChange={v => set('accountManagers', v)}
                error={fieldError(errors, 'accountManagers')}
              />
            </Grid>
          </Section>
          <Section title={t('customer.section.remark')}>
            {text('remark', { multiline: true, md: 12 })}
          </Section>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="contained" disabled={busy} data-testid="crm-customer-submit">
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
