import { FormEvent, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import { crmMessage, describeIssues, visitCreateSchema, visitUpdateSchema } from '@cocrm/plugin-crm-common';
import type { Contact, Visit, VisitInput } from '@cocrm/plugin-crm-common';
import { LoadingState, useCurrentUserRef } from '@cocrm/suite-react';
import { CrmApiError, crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { CrmAccess, fieldRulesOf, useCrmAccess, withoutFields } from '../common/access';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { fromShanghaiLocalInput, toShanghaiLocalInput } from '../common/format';
import { CustomerAutocomplete, CustomerRef } from '../common/selects';
import { SingleUserPicker, UserPicker } from '../common/users';
import { fieldError } from '../customers/CustomerFormDialog';

interface FormState {
  customer: CustomerRef | null;
  visitorRef: string | null;
  visitedAt: string;
  contactIds: string[];
  content: string;
  companions: string[];
  nextPlan: string;
}

function initial(v?: Visit, customer?: CustomerRef, me?: string): FormState {
  return {
    customer: v ? { id: v.customerId, name: v.customerName } : customer ?? null,
    visitorRef: v?.visitorRef ?? me ?? null,
    visitedAt: toShanghaiLocalInput(v?.visitedAt ?? new Date()),
    contactIds: v?.contactIds ?? [],
    content: v?.content ?? '',
    companions: v?.companions ?? [],
    nextPlan: v?.nextPlan ?? '',
  };
}

/**
 * 拜访内容 is required for a new visit and a read-only field must stay empty
 * on create, so without the right to write it there is no visit to create.
 */
export function canCreateVisits(access: CrmAccess): boolean {
  return access.can('visit', 'create') && fieldRulesOf(access, 'visit').writable('content');
}

export function VisitFormDialog(props: {
  open: boolean;
  visit?: Visit;
  customer?: CustomerRef;
  onClose: () => void;
  onSaved: (v: Visit) => void;
}) {
  const { t, locale, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const me = useCurrentUserRef();
  const access = useCrmAccess();
  const rules = fieldRulesOf(access, 'visit');
  const hint = (field: string) => (rules.readOnly(field) ? t('common.readOnly') : undefined);
  const editing = !!props.visit;
  const [form, setForm] = useState<FormState>(() => initial(props.visit, props.customer, me));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [contacts, setContacts] = useState<Contact[]>([]);

  useEffect(() => {
    if (props.open) {
      setForm(initial(props.visit, props.customer, me));
      setErrors({});
      setSubmitError(undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open, props.visit, props.customer]);

  useEffect(() => {
    if (props.open && me) setForm(f => (f.visitorRef ? f : { ...f, visitorRef: me }));
  }, [props.open, me]);

  const customerId = form.customer?.id;
  const pickContacts = !rules.hidden('contactIds');
  useEffect(() => {
    if (!props.open || !customerId || !pickContacts) {
      setContacts([]);
      return;
    }
    let live = true;
    api.listContacts({ customerId, pageSize: 100, sort: 'name', order: 'asc' }).then(
      p => live && setContacts(p.items),
      () => live && setContacts([]),
    );
    // eslint-disable-next-line consistent-return
    return () => {
      live = false;
    };
  }, [api, customerId, props.open, pickContacts]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm(f => ({ ...f, [key]: value }));
    setErrors(e => {
      const rest = { ...e };
      delete rest[key as string];
      return rest;
    });
  };

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (busy || access.loading) return;
    setSubmitError(undefined);
    const visitedAt = fromShanghaiLocalInput(form.visitedAt) ?? form.visitedAt;
    const all = {
      visitorRef: form.visitorRef ?? undefined,
      visitedAt,
      contactIds: form.contactIds,
      content: form.content,
      companions: form.companions,
      nextPlan: form.nextPlan.trim() || null,
    };
    const base = { ...withoutFields(all, f => !rules.writable(f)), visitedAt };
    // only offered when 拜访内容 is writable (canCreateVisits)
    const createBody: VisitInput = { ...base, content: all.content, customerId: form.customer?.id ?? '' };
    const body = editing ? { ...base, version: props.visit!.version } : createBody;
    const parsed = editing ? visitUpdateSchema.safeParse(body) : visitCreateSchema.safeParse(body);
    if (!parsed.success) {
      const errs = describeIssues(parsed.error.issues, body, locale);
      if (!editing && !form.customer) errs.customerId = crmMessage(locale, 'required');
      setErrors(errs);
      setSubmitError(new Error(crmMessage(locale, 'validationFailed')));
      return;
    }
    setBusy(true);
    try {
      const saved = editing
        ? await api.updateVisit(props.visit!.id, { ...base, version: props.visit!.version })
        : await api.createVisit(createBody);
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof CrmApiError && e.fields) setErrors(e.fields);
      setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={() => !busy && props.onClose()} maxWidth="md" fullWidth>
      <form onSubmit={submit} noValidate data-testid="crm-visit-form">
        <DialogTitle>{editing ? t('visit.editTitle') : t('visit.createTitle')}</DialogTitle>
        <DialogContent dividers>
          {/* which fields to show and send depends on the user's field rules */}
          {access.loading && <LoadingState />}
          {!access.loading && access.error && <ErrorState error={access.error} onRetry={access.retry} />}
          {!access.loading && !access.error && (
            <>
              {!!submitError && (
                <Box sx={{ mb: 2 }}>
                  <ApiErrorAlert error={submitError} />
                </Box>
              )}
              <Grid container spacing={2}>
                {!editing && !props.customer && (
                  <Grid item xs={12}>
                    <CustomerAutocomplete
                      label={fieldLabel('customerId')}
                      value={form.customer}
                      onChange={v => {
                        set('customer', v);
                        set('contactIds', []);
                      }}
                      error={errors.customerId}
                    />
                  </Grid>
                )}
                <Grid item xs={12} md={6}>
                  <SingleUserPicker
                    fullWidth
                    label={fieldLabel('visitorRef')}
                    value={form.visitorRef}
                    onChange={v => set('visitorRef', v)}
                    error={errors.visitorRef}
                  />
                </Grid>
                <Grid item xs={12} md={6}>
                  <TextField
                    fullWidth
                    size="small"
                    type="datetime-local"
                    label={fieldLabel('visitedAt')}
                    InputLabelProps={{ shrink: true }}
                    value={form.visitedAt}
                    onChange={e => set('visitedAt', e.target.value)}
                    error={!!errors.visitedAt}
                    helperText={errors.visitedAt}
                    inputProps={{ 'data-testid': 'crm-visit-visitedAt' }}
                  />
                </Grid>
                {!rules.hidden('contactIds') && (
                  <Grid item xs={12}>
                    <TextField
                      select
                      fullWidth
                      size="small"
                      label={fieldLabel('contactIds')}
                      value={form.contactIds}
                      disabled={rules.readOnly('contactIds') || !contacts.length}
                      SelectProps={{
                        multiple: true,
                        renderValue: sel =>
                          (sel as string[]).map(id => contacts.find(c => c.id === id)?.name ?? id).join('、'),
                      }}
                      onChange={e => {
                        const v = e.target.value as unknown;
                        set('contactIds', typeof v === 'string' ? v.split(',') : (v as string[]));
                      }}
                      error={!!fieldError(errors, 'contactIds')}
                      helperText={fieldError(errors, 'contactIds') ?? hint('contactIds')}
                    >
                      {contacts.map(c => (
                        <MenuItem key={c.id} value={c.id}>
                          <Checkbox size="small" checked={form.contactIds.includes(c.id)} />
                          <ListItemText primary={c.name} secondary={c.title} />
                        </MenuItem>
                      ))}
                    </TextField>
                  </Grid>
                )}
                {!rules.hidden('content') && (
                  <Grid item xs={12}>
                    <TextField
                      fullWidth
                      required
                      multiline
                      minRows={4}
                      size="small"
                      label={fieldLabel('content')}
                      value={form.content}
                      disabled={rules.readOnly('content')}
                      onChange={e => set('content', e.target.value)}
                      error={!!errors.content}
                      helperText={errors.content ?? hint('content')}
                      inputProps={{ 'data-testid': 'crm-visit-content' }}
                    />
                  </Grid>
                )}
                {!rules.hidden('companions') && (
                  <Grid item xs={12}>
                    <UserPicker
                      fullWidth
                      label={fieldLabel('companions')}
                      value={form.companions}
                      disabled={rules.readOnly('companions')}
                      hint={hint('companions')}
                      onChange={v => set('companions', v)}
                      error={fieldError(errors, 'companions')}
                    />
                  </Grid>
                )}
                {!rules.hidden('nextPlan') && (
                  <Grid item xs={12}>
                    <TextField
                      fullWidth
                      multiline
                      minRows={2}
                      size="small"
                      label={fieldLabel('nextPlan')}
                      value={form.nextPlan}
                      disabled={rules.readOnly('nextPlan')}
                      onChange={e => set('nextPlan', e.target.value)}
                      error={!!errors.nextPlan}
                      helperText={errors.nextPlan ?? hint('nextPlan')}
                    />
                  </Grid>
                )}
              </Grid>
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={busy || access.loading || !!access.error}
            data-testid="crm-visit-submit"
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
