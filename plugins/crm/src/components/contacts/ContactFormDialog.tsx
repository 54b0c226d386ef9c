import { ChangeEvent, FormEvent, useEffect, useState } from 'react';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Grid from '@mui/material/Grid';
import IconButton from '@mui/material/IconButton';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import RemoveIcon from '@mui/icons-material/RemoveCircleOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  GENDERS,
  ageOn,
  contactCreateSchema,
  contactUpdateSchema,
  crmMessage,
  describeIssues,
  todayInShanghai,
} from '@cocrm/plugin-crm-common';
import type { Contact, ContactInput, Gender } from '@cocrm/plugin-crm-common';
import { LoadingState } from '@cocrm/suite-react';
import { CrmApiError, crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { fieldRulesOf, useCrmAccess, withoutFields } from '../common/access';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { CustomerAutocomplete, CustomerRef, EnumSelect } from '../common/selects';
import { fieldError } from '../customers/CustomerFormDialog';

const MAX_PHOTO_BYTES = 256 * 1024;
const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

interface FormState {
  customer: CustomerRef | null;
  name: string;
  gender: Gender;
  department: string;
  title: string;
  position: string;
  mobile: string;
  phone: string;
  emails: string[];
  wechat: string;
  birthday: string;
  hobbies: string;
  personalNeeds: string;
  photo: string | null;
  keyDecisionMaker: boolean;
  remark: string;
}

function initial(c?: Contact, customer?: CustomerRef | null): FormState {
  return {
    customer: c ? { id: c.customerId, name: c.customerName } : customer ?? null,
    name: c?.name ?? '',
    gender: c?.gender ?? 'unknown',
    department: c?.department ?? '',
    title: c?.title ?? '',
    position: c?.position ?? '',
    mobile: c?.mobile ?? '',
    phone: c?.phone ?? '',
    emails: c?.emails?.length ? [...c.emails] : [''],
    wechat: c?.wechat ?? '',
    birthday: c?.birthday ?? '',
    hobbies: c?.hobbies ?? '',
    personalNeeds: c?.personalNeeds ?? '',
    photo: c?.photo ?? null,
    keyDecisionMaker: c?.keyDecisionMaker ?? false,
    remark: c?.remark ?? '',
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s);

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ContactFormDialog(props: {
  open: boolean;
  contact?: Contact;
  /** fixed customer for new contacts (customer page); otherwise a picker is shown */
  customer?: CustomerRef;
  onClose: () => void;
  onSaved: (c: Contact) => void;
  onReload?: () => void;
}) {
  const { t, locale, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const access = useCrmAccess();
  const rules = fieldRulesOf(access, 'contact');
  const hint = (field: string) => (rules.readOnly(field) ? t('common.readOnly') : undefined);
  const editing = !!props.contact;
  const [form, setForm] = useState<FormState>(() => initial(props.contact, props.customer));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm(initial(props.contact, props.customer));
      setErrors({});
      setSubmitError(undefined);
    }
  }, [props.open, props.contact, props.customer]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm(f => ({ ...f, [key]: value }));
    setErrors(e => {
      const rest = { ...e };
      for (const k of Object.keys(rest)) if (k === key || k.startsWith(`${String(key)}.`)) delete rest[k];
      return rest;
    });
  };

  const onPhoto = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (!PHOTO_TYPES.includes(file.type)) {
      setErrors(x => ({ ...x, photo: t('contact.photoType') }));
      return;
    }
    if (file.size > MAX_PHOTO_BYTES) {
      setErrors(x => ({ ...x, photo: t('contact.photoTooLarge') }));
      return;
    }
    set('photo', await readAsDataUrl(file));
  };

  const age = form.birthday ? ageOn(form.birthday, todayInShanghai()) : null;

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (busy || access.loading) return;
    setSubmitError(undefined);
    const all = {
      name: form.name,
      gender: form.gender,
      department: orNull(form.department),
      title: orNull(form.title),
      position: orNull(form.position),
      mobile: orNull(form.mobile),
      phone: orNull(form.phone),
      emails: form.emails.filter(x => x.trim() !== ''),
      wechat: orNull(form.wechat),
      birthday: orNull(form.birthday),
      hobbies: orNull(form.hobbies),
      personalNeeds: orNull(form.personalNeeds),
      photo: form.photo,
      keyDecisionMaker: form.keyDecisionMaker,
      remark: orNull(form.remark),
    };
    const base = { ...withoutFields(all, f => !rules.writable(f)), name: all.name };
    const createBody: ContactInput = { ...base, customerId: form.customer?.id ?? '' };
    const body = editing ? { ...base, version: props.contact!.version } : createBody;
    const parsed = editing ? contactUpdateSchema.safeParse(body) : contactCreateSchema.safeParse(body);
    if (!parsed.success) {
      const errs = describeIssues(parsed.error.issues, body, locale);
      if (!editing && !form.customer) errs.customerId = crmMessage(locale, 'required');
      // emails were filtered: map indexes back to the rows the user sees
      const rows = form.emails.map((x, i) => ({ x, i })).filter(r => r.x.trim() !== '');
      for (const key of Object.keys(errs)) {
        const m = /^emails\.(\d+)$/.exec(key);
        if (m && rows[Number(m[1])]) {
          const msg = errs[key];
          delete errs[key];
          errs[`emails.${rows[Number(m[1])].i}`] = msg;
        }
      }
      setErrors(errs);
      setSubmitError(new Error(crmMessage(locale, 'validationFailed')));
      return;
    }
    setBusy(true);
    try {
      const saved = editing
        ? await api.updateContact(props.contact!.id, { ...base, version: props.contact!.version })
        : await api.createContact(createBody);
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof CrmApiError && e.fields) setErrors(e.fields);
      setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  const text = (field: keyof FormState, opts: { required?: boolean; multiline?: boolean; md?: number; type?: string } = {}) =>
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
          InputLabelProps={opts.type === 'date' ? { shrink: true } : undefined}
          value={form[field] as string}
          onChange={e => set(field, e.target.value as never)}
          error={!!fieldError(errors, field)}
          helperText={
            fieldError(errors, field) ??
            hint(field) ??
            (field === 'birthday' && age !== null ? t('common.age', { age: String(age) }) : undefined)
          }
          inputProps={{ 'data-testid': `crm-contact-${field}` }}
        />
      </Grid>
    );

  return (
    <Dialog open={props.open} onClose={() => !busy && props.onClose()} maxWidth="md" fullWidth>
      <form onSubmit={submit} noValidate data-testid="crm-contact-form">
        <DialogTitle>{editing ? t('contact.editTitle') : t('contact.createTitle')}</DialogTitle>
        <DialogContent dividers>
          {/* which fields to show and send depends on the user's field rules */}
          {access.loading && <LoadingState />}
          {!access.loading && access.error && <ErrorState error={access.error} onRetry={access.retry} />}
          {!access.loading && !access.error && (
            <>
              {!!submitError && (
                <Box sx={{ mb: 2 }}>
                  <ApiErrorAlert error={submitError} onReload={props.onReload} />
                </Box>
              )}
              <Grid container spacing={2}>
                <Grid item xs={12} sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
                  <Avatar src={form.photo ?? undefined} alt={form.name} sx={{ width: 64, height: 64 }} data-testid="crm-contact-photo-preview">
                    {form.name.slice(0, 1)}
                  </Avatar>
                  {!rules.hidden('photo') && (
                    <>
                      <Button component="label" variant="outlined" size="small" disabled={rules.readOnly('photo')}>
                        {t('contact.uploadPhoto')}
                        <input hidden type="file" accept={PHOTO_TYPES.join(',')} onChange={onPhoto} data-testid="crm-contact-photo-input" />
                      </Button>
                      {form.photo && !rules.readOnly('photo') && (
                        <Button size="small" onClick={() => set('photo', null)}>
                          {t('contact.removePhoto')}
                        </Button>
                      )}
                      {errors.photo && <FormHelperText error>{errors.photo}</FormHelperText>}
                      {!errors.photo && hint('photo') && <FormHelperText>{hint('photo')}</FormHelperText>}
                    </>
                  )}
                </Grid>
                {!editing && !props.customer && (
                  <Grid item xs={12}>
                    <CustomerAutocomplete
                      label={fieldLabel('customerId')}
                      value={form.customer}
                      onChange={v => set('customer', v)}
                      error={errors.customerId}
                    />
                  </Grid>
                )}
                {text('name', { required: true, md: 4 })}
                {!rules.hidden('gender') && (
                  <Grid item xs={12} md={4}>
                    <EnumSelect
                      group="gender"
                      name="gender"
                      values={GENDERS}
                      label={fieldLabel('gender')}
                      value={form.gender}
                      allowEmpty={false}
                      disabled={rules.readOnly('gender')}
                      hint={hint('gender')}
                      onChange={v => set('gender', (v ?? 'unknown') as Gender)}
                    />
                  </Grid>
                )}
                {!rules.hidden('keyDecisionMaker') && (
                  <Grid item xs={12} md={4}>
                    <FormControlLabel
                      control={
                        <Switch
                          checked={form.keyDecisionMaker}
                          disabled={rules.readOnly('keyDecisionMaker')}
                          onChange={e => set('keyDecisionMaker', e.target.checked)}
                          inputProps={{ 'data-testid': 'crm-contact-kdm' } as object}
                        />
                      }
                      label={fieldLabel('keyDecisionMaker')}
                    />
                    {hint('keyDecisionMaker') && <FormHelperText>{hint('keyDecisionMaker')}</FormHelperText>}
                  </Grid>
                )}
                {text('department', { md: 4 })}
                {text('title', { md: 4 })}
                {text('position', { md: 4 })}
                {text('mobile', { md: 4 })}
                {text('phone', { md: 4 })}
                {text('wechat', { md: 4 })}
                {!rules.hidden('emails') && (
                  <Grid item xs={12}>
                    <Typography variant="caption" color="text.secondary">
                      {fieldLabel('emails')}
                    </Typography>
                    {form.emails.map((email, i) => (
                      <Box key={i} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', mt: 1 }}>
                        <TextField
                          fullWidth
                          size="small"
                          type="email"
                          value={email}
                          label={`${fieldLabel('emails')} ${i + 1}`}
                          disabled={rules.readOnly('emails')}
                          onChange={e => set('emails', form.emails.map((x, j) => (j === i ? e.target.value : x)))}
                          error={!!errors[`emails.${i}`]}
                          helperText={errors[`emails.${i}`]}
                          inputProps={{ 'data-testid': `crm-contact-email-${i}` }}
                        />
                        <IconButton
                          aria-label={t('contact.removeEmail')}
                          disabled={rules.readOnly('emails') || (form.emails.length === 1 && !email)}
                          onClick={() => set('emails', form.emails.length === 1 ? [''] : form.emails.filter((_, j) => j !== i))}
                        >
                          <RemoveIcon />
                        </IconButton>
                      </Box>
                    ))}
                    {errors.emails && <FormHelperText error>{errors.emails}</FormHelperText>}
                    {!errors.emails && hint('emails') && <FormHelperText>{hint('emails')}</FormHelperText>}
                    <Button
                      size="small"
                      startIcon={<AddIcon />}
                      sx={{ mt: 1 }}
                      disabled={rules.readOnly('emails') || form.emails.length >= 10}
                      onClick={() => set('emails', [...form.emails, ''])}
                    >
                      {t('contact.addEmail')}
                    </Button>
                  </Grid>
                )}
                {text('birthday', { type: 'date', md: 4 })}
                {text('hobbies', { md: 8 })}
                {text('personalNeeds', { multiline: true, md: 12 })}
                {text('remark', { multiline: true, md: 12 })}
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
            data-testid="crm-contact-submit"
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
