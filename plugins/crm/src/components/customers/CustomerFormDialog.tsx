import { FormEvent, ReactNode, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormHelperText from '@mui/material/FormHelperText';
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
import { LoadingState, useCurrentUserRef } from '@cocrm/suite-react';
import { CrmApiError, crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { fieldRulesOf, useCrmAccess, withoutFields } from '../common/access';
import { DepartmentSelect } from '../common/departments';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { fenToYuanInput, parseYuanToFen } from '../common/format';
import {
  CustomerAutocomplete,
  CustomerRef,
  EnumSelect,
  IndustrySelect,
  RegionSelect,
} from '../common/selects';
import { UserPicker } from '../common/users';
import { MailDomainsField, splitMailDomains } from './MailDomainsField';

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
  mailDomains: string[];
  /** a domain still being typed, saved along with the chips */
  mailDomainDraft: string;
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
  ownerDepartment: string | null;
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
    mailDomains: c?.mailDomains ?? [],
    mailDomainDraft: '',
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
    ownerDepartment: c?.ownerDepartment ?? null,
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
    mailDomains: [...f.mailDomains, ...splitMailDomains(f.mailDomainDraft)],
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
    ownerDepartment: f.ownerDepartment,
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

/** Changing who manages a customer, or its department, is 分配 (a permission of its own). */
const ASSIGN_FIELDS = new Set(['accountManagers', 'ownerDepartment']);

const sameRefs = (a: readonly string[], b: readonly string[]) => a.join() === b.join();

/**
 * What the form sends: nothing hidden or read-only; 客户经理 and 归属部门
 * only with 分配 and only when changed (on create an empty department lets
 * the backend take the first manager's).
 */
export function customerRequestBody(
  input: CustomerInput,
  opts: { rules: { writable: (field: string) => boolean }; canAssign: boolean; before?: Customer },
): CustomerInput {
  const { before, canAssign } = opts;
  const keep = (field: string) => {
    if (!ASSIGN_FIELDS.has(field)) return opts.rules.writable(field);
    if (!canAssign) return false;
    if (field === 'accountManagers') return !before || !sameRefs(input.accountManagers ?? [], before.accountManagers);
    return before ? (input.ownerDepartment ?? null) !== before.ownerDepartment : !!input.ownerDepartment;
  };
  return { ...withoutFields(input, field => !keep(field)), name: input.name };
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
  const access = useCrmAccess();
  const rules = fieldRulesOf(access, 'customer');
  const canAssign = access.can('customer', 'assign');
  const editing = !!props.customer;
  const [form, setForm] = useState<FormState>(() => initialState(props.customer));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [departmentPicked, setDepartmentPicked] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm(initialState(props.customer));
      setErrors({});
      setSubmitError(undefined);
      setDepartmentPicked(false);
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

  const setMailDomains = (mailDomains: string[], mailDomainDraft: string) => {
    setForm(f => ({ ...f, mailDomains, mailDomainDraft }));
    // a changed list makes the old per-chip messages point at the wrong chips
    setErrors(e => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'mailDomains' && !k.startsWith('mailDomains.'))));
  };

  const setManagers = (refs: string[]) => {
    set('accountManagers', refs);
    // with other managers and no department named, the backend moves the
    // customer to the first manager's department: show that instead of the old one
    const before = props.customer;
    if (before && !departmentPicked) {
      set('ownerDepartment', sameRefs(refs, before.accountManagers) ? before.ownerDepartment : null);
    }
  };

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (busy || access.loading) return;
    setSubmitError(undefined);
    const { input: all, errors: convErrors } = buildCustomerInput(form, {
      money: t('customer.moneyInvalid'),
      integer: t('common.invalidNumber'),
    });
    const input = customerRequestBody(all, { rules, canAssign, before: props.customer });
    // a value that is not sent (read-only) cannot be wrong for this request
    const sentErrors: Record<string, string> = Object.fromEntries(Object.entries(convErrors).filter(([f]) => f in input));
    const body = editing ? { ...input, version: props.customer!.version } : input;
    const parsed = editing ? customerUpdateSchema.safeParse(body) : customerCreateSchema.safeParse(body);
    const clientErrors = parsed.success ? {} : describeIssues(parsed.error.issues, body, locale);
    const errs = { ...clientErrors, ...sentErrors };
    if (Object.keys(errs).length) {
      setErrors(errs);
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

  const hint = (field: string) => (rules.readOnly(field) ? t('common.readOnly') : undefined);
  const assignHint = canAssign ? undefined : t('customer.assignOnly');

  const text = (
    field: keyof FormState,
    opts: { required?: boolean; multiline?: boolean; type?: string; md?: number; adornment?: string; inputMode?: 'decimal' | 'numeric' } = {},
  ) =>
    rules.hidden(field) ? null : (
      <Grid item xs={12} md={opts.md ?? 6}>
        <TextField
          fullWidth
          size="small"
          name={field}
          label={fieldLabel(field)}
          required={opts.required}
          disabled={rules.readOnly(field)}
          multiline={opts.multiline}
          minRows={opts.multiline ? 2 : undefined}
          type={opts.type}
          value={form[field] as string}
          onChange={e => set(field, e.target.value as never)}
          error={!!fieldError(errors, field)}
          helperText={fieldError(errors, field) ?? hint(field)}
          InputLabelProps={opts.type === 'date' ? { shrink: true } : undefined}
          InputProps={
            opts.adornment ? { startAdornment: <InputAdornment position="start">{opts.adornment}</InputAdornment> } : undefined
          }
          inputProps={{ 'data-testid': `crm-field-${field}`, inputMode: opts.inputMode }}
        />
      </Grid>
    );

  /** A section whose fields are all hidden is left out, title and all. */
  const section = (key: 'basic' | 'business' | 'operation' | 'relation' | 'remark', fields: string[], children: ReactNode) =>
    fields.some(f => !rules.hidden(f)) ? <Section title={t(`customer.section.${key}`)}>{children}</Section> : null;

  const content = (
    <>
      {!!submitError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={submitError} onReload={props.onReload} />
        </Box>
      )}
      {section(
        'basic',
        ['name'],
        <>
          {text('name', { required: true })}
          {text('shortName')}
          {!rules.hidden('type') && (
            <Grid item xs={12} md={4}>
              <EnumSelect
                group="type"
                name="type"
                values={CUSTOMER_TYPES}
                label={fieldLabel('type')}
                value={form.type}
                allowEmpty={false}
                disabled={rules.readOnly('type')}
                hint={hint('type')}
                onChange={v => set('type', (v ?? 'enterprise') as CustomerType)}
                error={errors.type}
              />
            </Grid>
          )}
          {!rules.hidden('level') && (
            <Grid item xs={12} md={4}>
              <EnumSelect
                group="level"
                name="level"
                values={CUSTOMER_LEVELS}
                label={fieldLabel('level')}
                value={form.level}
                disabled={rules.readOnly('level')}
                hint={hint('level')}
                onChange={v => set('level', v)}
                error={errors.level}
              />
            </Grid>
          )}
          <Grid item xs={12} md={4}>
            <EnumSelect
              group="status"
              name="status"
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
          {!rules.hidden('mailDomains') && (
            <Grid item xs={12}>
              <MailDomainsField
                label={fieldLabel('mailDomains')}
                value={form.mailDomains}
                draft={form.mailDomainDraft}
                onChange={setMailDomains}
                disabled={rules.readOnly('mailDomains')}
                error={fieldError(errors, 'mailDomains')}
                itemError={i => !!errors[`mailDomains.${i}`]}
                hint={hint('mailDomains') ?? t('customer.mailDomainsHint')}
              />
            </Grid>
          )}
          {!rules.hidden('regionCode') && (
            <Grid item xs={12}>
              <Typography variant="caption" color="text.secondary">
                {fieldLabel('regionCode')}
              </Typography>
              <RegionSelect
                mode="form"
                value={form.regionCode}
                disabled={rules.readOnly('regionCode')}
                onChange={v => set('regionCode', v)}
                error={fieldError(errors, 'regionCode')}
              />
              {hint('regionCode') && <FormHelperText sx={{ ml: 1.75 }}>{hint('regionCode')}</FormHelperText>}
            </Grid>
          )}
          {text('address', { md: 9 })}
          {text('postcode', { md: 3, inputMode: 'numeric' })}
        </>,
      )}
      {section(
        'business',
        ['unifiedSocialCreditCode', 'foundedOn', 'industryCode', 'industryPosition'],
        <>
          {text('unifiedSocialCreditCode')}
          {text('foundedOn', { type: 'date' })}
          {!rules.hidden('industryCode') && (
            <Grid item xs={12} md={8}>
              <Typography variant="caption" color="text.secondary">
                {fieldLabel('industryCode')}
              </Typography>
              <IndustrySelect
                mode="form"
                value={form.industryCode}
                disabled={rules.readOnly('industryCode')}
                onChange={v => set('industryCode', v)}
                error={fieldError(errors, 'industryCode')}
              />
              {hint('industryCode') && <FormHelperText sx={{ ml: 1.75 }}>{hint('industryCode')}</FormHelperText>}
            </Grid>
          )}
          {!rules.hidden('industryPosition') && (
            <Grid item xs={12} md={4} sx={{ pt: { md: '36px !important' } }}>
              <EnumSelect
                group="industryPosition"
                name="industryPosition"
                values={INDUSTRY_POSITIONS}
                label={fieldLabel('industryPosition')}
                value={form.industryPosition}
                disabled={rules.readOnly('industryPosition')}
                hint={hint('industryPosition')}
                onChange={v => set('industryPosition', v)}
                error={errors.industryPosition}
              />
            </Grid>
          )}
        </>,
      )}
      {section(
        'operation',
        ['annualRevenue', 'expectedPurchase', 'employeeCount', 'mainCustomers', 'managementStyle'],
        <>
          {text('annualRevenue', { md: 4, adornment: '¥', inputMode: 'decimal' })}
          {text('expectedPurchase', { md: 4, adornment: '¥', inputMode: 'decimal' })}
          {text('employeeCount', { md: 4, inputMode: 'numeric' })}
          {text('mainCustomers', { multiline: true })}
          {text('managementStyle', { multiline: true })}
        </>,
      )}
      {section(
        'relation',
        ['accountManagers'],
        <>
          {!rules.hidden('parentId') && (
            <Grid item xs={12} md={6}>
              <CustomerAutocomplete
                label={fieldLabel('parentId')}
                value={form.parent}
                excludeId={props.customer?.id}
                disabled={rules.readOnly('parentId')}
                hint={hint('parentId')}
                onChange={v => set('parent', v)}
                error={fieldError(errors, 'parentId')}
              />
            </Grid>
          )}
          {!rules.hidden('groupId') && (
            <Grid item xs={12} md={6}>
              <CustomerAutocomplete
                label={fieldLabel('groupId')}
                value={form.group}
                excludeId={props.customer?.id}
                disabled={rules.readOnly('groupId')}
                hint={hint('groupId')}
                onChange={v => set('group', v)}
                error={fieldError(errors, 'groupId')}
              />
            </Grid>
          )}
          {!rules.hidden('channel') && (
            <Grid item xs={12} md={6}>
              <EnumSelect
                group="channel"
                name="channel"
                values={CHANNELS}
                label={fieldLabel('channel')}
                value={form.channel}
                disabled={rules.readOnly('channel')}
                hint={hint('channel')}
                onChange={v => set('channel', v)}
                error={errors.channel}
              />
            </Grid>
          )}
          {!rules.hidden('source') && (
            <Grid item xs={12} md={6}>
              <EnumSelect
                group="source"
                name="source"
                values={CUSTOMER_SOURCES}
                label={fieldLabel('source')}
                value={form.source}
                disabled={rules.readOnly('source')}
                hint={hint('source')}
                onChange={v => set('source', v)}
                error={errors.source}
              />
            </Grid>
          )}
          <Grid item xs={12} md={8}>
            <UserPicker
              fullWidth
              label={fieldLabel('accountManagers')}
              value={form.accountManagers}
              disabled={!canAssign}
              hint={assignHint}
              onChange={setManagers}
              error={fieldError(errors, 'accountManagers')}
              data-testid="crm-field-accountManagers"
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <DepartmentSelect
              label={fieldLabel('ownerDepartment')}
              value={form.ownerDepartment}
              disabled={!canAssign}
              helperText={assignHint ?? t('customer.ownerDepartmentHint')}
              onChange={v => {
                setDepartmentPicked(true);
                set('ownerDepartment', v);
              }}
              error={fieldError(errors, 'ownerDepartment')}
            />
          </Grid>
        </>,
      )}
      {section('remark', ['remark'], text('remark', { multiline: true, md: 12 }))}
    </>
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
          {/* which fields to show and send depends on the user's field rules */}
          {access.loading && <LoadingState />}
          {!access.loading && access.error && <ErrorState error={access.error} onRetry={access.retry} />}
          {!access.loading && !access.error && content}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={busy || access.loading || !!access.error}
            data-testid="crm-customer-submit"
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
