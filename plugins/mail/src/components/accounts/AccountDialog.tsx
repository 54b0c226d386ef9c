import { ReactNode, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { DepartmentMultiPicker, useLoad } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { AccountTestResult, MailAccount } from '../../api/types';
import { ApiErrorAlert, apiFieldErrors } from '../common/feedback';
import { useMailT } from '../common/i18n';
import {
  AccountForm,
  IMAP_PORTS,
  SMTP_PORTS,
  accountFormOf,
  checkAccountForm,
  emptyAccountForm,
  fieldMessage,
  toAccountInput,
} from './accountForm';

/** Form fields → the API's field paths, whose errors they show. */
const FIELD_PATHS: Partial<Record<keyof AccountForm, string>> = {
  imapHost: 'imap.host',
  imapPort: 'imap.port',
  imapUser: 'imap.user',
  imapPassword: 'imap.password',
  smtpHost: 'smtp.host',
  smtpPort: 'smtp.port',
  smtpUser: 'smtp.user',
  smtpPassword: 'smtp.password',
};

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="subtitle2" sx={{ mb: 1 }}>
        {props.title}
      </Typography>
      <Stack spacing={1.5}>{props.children}</Stack>
    </Box>
  );
}

/** Free-text chips (folders, aliases), with suggestions when there are some. */
function ChipsField(props: {
  label: string;
  helperText: string;
  value: string[];
  options?: string[];
  onChange: (v: string[]) => void;
  error?: string;
  testId: string;
}) {
  const [input, setInput] = useState('');
  return (
    <Autocomplete<string, true, false, true>
      multiple
      freeSolo
      options={(props.options ?? []).filter(o => !props.value.includes(o))}
      value={props.value}
      inputValue={input}
      onInputChange={(_, v, reason) => reason !== 'reset' && setInput(v)}
      onChange={(_, v) => {
        const seen = new Set<string>();
        props.onChange(
          v
            .flatMap(s => s.split(/[,;，；\n]/))
            .map(s => s.trim())
            .filter(s => s && !seen.has(s) && !!seen.add(s)),
        );
        setInput('');
      }}
      renderTags={(items, getTagProps) =>
        items.map((item, index) => {
          const { key, ...tagProps } = getTagProps({ index });
          return <Chip key={key} {...tagProps} size="small" label={item} />;
        })
      }
      renderInput={params => (
        <TextField
          {...params}
          size="small"
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.helperText}
          onBlur={() => {
            if (input.trim() && !props.value.includes(input.trim())) props.onChange([...props.value, input.trim()]);
            setInput('');
          }}
          inputProps={{ ...params.inputProps, 'data-testid': props.testId }}
        />
      )}
    />
  );
}

/**
 * 连接邮箱 / 编辑邮箱: IMAP + SMTP (or a Microsoft 365 mailbox when the
 * server has Graph configured), folders, aliases, how routed mail is shared,
 * lead suggestions; for admins a shared mailbox with its reader departments.
 * 测试连接 asks the server to log in before anything is saved.
 */
export function AccountDialog(props: {
  open: boolean;
  account?: MailAccount;
  /** may connect shared mailboxes (admins) */
  manageAll: boolean;
  graphAvailable: boolean;
  onClose: () => void;
  onSaved: (account: MailAccount, created: boolean) => void;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const editing = !!props.account;
  const [form, setForm] = useState<AccountForm>(emptyAccountForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<'test' | 'save' | undefined>();
  const [tested, setTested] = useState<AccountTestResult>();
  const [hostsTouched, setHostsTouched] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setForm(props.account ? accountFormOf(props.account) : emptyAccountForm());
    setErrors({});
    setError(undefined);
    setTested(undefined);
    setHostsTouched(!!props.account);
  }, [props.open, props.account]);

  const needOrg = props.open && props.manageAll && form.kind === 'shared';
  const org = useLoad(() => (needOrg ? api.getOrg() : Promise.resolve(undefined)), [api, needOrg]);

  const set = (patch: Partial<AccountForm>) => {
    setForm(f => ({ ...f, ...patch }));
    setTested(undefined);
    setErrors(e => {
      const rest = { ...e };
      for (const k of Object.keys(patch) as Array<keyof AccountForm>) {
        const path = FIELD_PATHS[k] ?? k;
        for (const key of Object.keys(rest)) if (key === path || key.startsWith(`${path}.`)) delete rest[key];
      }
      return rest;
    });
  };

  /** A typed address suggests the usual login and server names, until the user changes those. */
  const onEmailBlur = () => {
    const email = form.email.trim();
    const domain = email.split('@')[1];
    if (!domain) return;
    const patch: Partial<AccountForm> = {};
    if (!form.imapUser) patch.imapUser = email;
    if (!form.displayName) patch.displayName = email;
    if (!hostsTouched) {
      if (!form.imapHost) patch.imapHost = `imap.${domain}`;
      if (!form.smtpHost) patch.smtpHost = `smtp.${domain}`;
    }
    if (!form.graphMailbox && form.provider === 'graph') patch.graphMailbox = email;
    if (Object.keys(patch).length) setForm(f => ({ ...f, ...patch }));
  };

  const fe = (path: string) => fieldMessage(errors, path);
  const onlyFieldErrors = Object.keys(apiFieldErrors(error)).length > 0;

  const check = () => {
    const found = checkAccountForm(form, editing, t);
    setErrors(found);
    return !Object.keys(found).length;
  };

  const test = async () => {
    if (!check()) return;
    setBusy('test');
    setError(undefined);
    setTested(undefined);
    try {
      const input = toAccountInput(form);
      const result = await api.testAccount(props.account ? { ...input, accountId: props.account.id } : input);
      setTested(result ?? { ok: true });
    } catch (e) {
      setError(e);
      setErrors(apiFieldErrors(e));
    } finally {
      setBusy(undefined);
    }
  };

  const save = async () => {
    if (!check()) return;
    setBusy('save');
    setError(undefined);
    try {
      const input = toAccountInput(form);
      const saved = props.account
        ? await api.updateAccount(props.account.id, { ...input, version: props.account.version })
        : await api.createAccount(input);
      props.onSaved(saved, !props.account);
    } catch (e) {
      setError(e);
      setErrors(apiFieldErrors(e));
    } finally {
      setBusy(undefined);
    }
  };

  const text = (
    name: keyof AccountForm,
    path: string,
    label: string,
    extra: { type?: string; helperText?: string; required?: boolean } = {},
  ) => (
    <TextField
      size="small"
      fullWidth
      label={label}
      type={extra.type}
      required={extra.required}
      value={form[name] as string}
      onChange={e => {
        if (['imapHost', 'smtpHost'].includes(name)) setHostsTouched(true);
        set({ [name]: e.target.value } as Partial<AccountForm>);
      }}
      error={!!fe(path)}
      helperText={fe(path) ?? extra.helperText}
      autoComplete={extra.type === 'password' ? 'new-password' : 'off'}
      inputProps={{ 'data-testid': `mail-account-${path.replace('.', '-')}` }}
    />
  );

  const server = (kind: 'imap' | 'smtp') => {
    const p = kind === 'imap' ? IMAP_PORTS : SMTP_PORTS;
    const secureKey = kind === 'imap' ? 'imapSecure' : 'smtpSecure';
    const portKey = kind === 'imap' ? 'imapPort' : 'smtpPort';
    const secure = form[secureKey];
    return (
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
        <Box sx={{ flex: 3 }}>
          {text(kind === 'imap' ? 'imapHost' : 'smtpHost', `${kind}.host`, t('accounts.dialog.host'), {
            required: true,
          })}
        </Box>
        <Box sx={{ flex: 1, minWidth: 90 }}>
          {text(portKey, `${kind}.port`, t('accounts.dialog.port'), { required: true })}
        </Box>
        <FormControlLabel
          sx={{ ml: 0, mt: 0.5 }}
          control={
            <Switch
              checked={secure}
              onChange={e => {
                const on = e.target.checked;
                // the usual port follows SSL unless the user chose another one
                const [from, to] = on ? [p.plain, p.secure] : [p.secure, p.plain];
                const port = form[portKey] === from ? to : form[portKey];
                set({ [secureKey]: on, [portKey]: port } as Partial<AccountForm>);
              }}
              inputProps={{ 'data-testid': `mail-account-${kind}-secure` } as object}
            />
          }
          label={t('accounts.dialog.ssl')}
        />
      </Box>
    );
  };

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="md"
      fullWidth
      data-testid="mail-account-dialog"
    >
      <DialogTitle>{editing ? t('accounts.dialog.editTitle') : t('accounts.dialog.connectTitle')}</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          {(props.graphAvailable || props.manageAll) && (
            <Box sx={{ display: 'flex', gap: 3, flexWrap: 'wrap' }}>
              {props.graphAvailable && (
                <Box>
                  <FormLabel sx={{ display: 'block', mb: 0.5, fontSize: 12 }}>
                    {t('accounts.dialog.provider')}
                  </FormLabel>
                  <ToggleButtonGroup
                    size="small"
                    exclusive
                    value={form.provider}
                    disabled={editing}
                    onChange={(_, v) => v && set({ provider: v })}
                  >
                    <ToggleButton value="imap" data-testid="mail-account-provider-imap">
                      {t('accounts.dialog.providerImap')}
                    </ToggleButton>
                    <ToggleButton value="graph" data-testid="mail-account-provider-graph">
                      {t('accounts.dialog.providerGraph')}
                    </ToggleButton>
                  </ToggleButtonGroup>
                  {fe('provider') && (
                    <FormHelperText error data-testid="mail-account-provider-error">
                      {fe('provider')}
                    </FormHelperText>
                  )}
                </Box>
              )}
              {props.manageAll && (
                <Box>
                  <FormLabel sx={{ display: 'block', mb: 0.5, fontSize: 12 }}>{t('accounts.dialog.kind')}</FormLabel>
                  <ToggleButtonGroup
                    size="small"
                    exclusive
                    value={form.kind}
                    disabled={editing}
                    onChange={(_, v) => v && set({ kind: v })}
                  >
                    <ToggleButton value="personal" data-testid="mail-account-kind-personal">
                      {t('accounts.dialog.kindPersonal')}
                    </ToggleButton>
                    <ToggleButton value="shared" data-testid="mail-account-kind-shared">
                      {t('accounts.dialog.kindShared')}
                    </ToggleButton>
                  </ToggleButtonGroup>
                </Box>
              )}
            </Box>
          )}
          <Box sx={{ display: 'flex', gap: 1, flexWrap: { xs: 'wrap', sm: 'nowrap' } }}>
            <TextField
              size="small"
              fullWidth
              required
              label={t('accounts.dialog.email')}
              value={form.email}
              onChange={e => set({ email: e.target.value })}
              onBlur={onEmailBlur}
              error={!!fe('email')}
              helperText={fe('email')}
              inputProps={{ 'data-testid': 'mail-account-email' }}
            />
            {text('displayName', 'displayName', t('accounts.dialog.displayName'), { required: true })}
          </Box>
          {form.provider === 'graph' ? (
            <Section title={t('accounts.dialog.providerGraph')}>
              {text('graphMailbox', 'graphMailbox', t('accounts.dialog.graphMailbox'), {
                required: true,
                helperText: t('accounts.dialog.graphHint'),
              })}
            </Section>
          ) : (
            <>
              <Section title={t('accounts.dialog.imap')}>
                {server('imap')}
                <Box sx={{ display: 'flex', gap: 1 }}>
                  {text('imapUser', 'imap.user', t('accounts.dialog.user'), { required: true })}
                  {text('imapPassword', 'imap.password', t('accounts.dialog.password'), {
                    type: 'password',
                    required: !editing,
                    helperText: editing ? t('accounts.dialog.passwordKeep') : undefined,
                  })}
                </Box>
              </Section>
              <Section title={t('accounts.dialog.smtp')}>
                {server('smtp')}
                <FormControlLabel
                  control={
                    <Switch
                      checked={form.smtpSame}
                      onChange={e => set({ smtpSame: e.target.checked })}
                      inputProps={{ 'data-testid': 'mail-account-smtp-same' } as object}
                    />
                  }
                  label={t('accounts.dialog.smtpSame')}
                />
                {!form.smtpSame && (
                  <Box sx={{ display: 'flex', gap: 1 }}>
                    {text('smtpUser', 'smtp.user', t('accounts.dialog.user'), { required: true })}
                    {text('smtpPassword', 'smtp.password', t('accounts.dialog.password'), {
                      type: 'password',
                      required: !editing,
                      helperText: editing ? t('accounts.dialog.passwordKeep') : undefined,
                    })}
                  </Box>
                )}
              </Section>
            </>
          )}
          <ChipsField
            label={t('accounts.dialog.folders')}
            helperText={t('accounts.dialog.foldersHint')}
            value={form.folders}
            options={tested?.folders}
            onChange={folders => set({ folders })}
            error={fe('folders')}
            testId="mail-account-folders"
          />
          <ChipsField
            label={t('accounts.dialog.aliases')}
            helperText={t('accounts.dialog.aliasesHint')}
            value={form.aliases}
            onChange={aliases => set({ aliases })}
            error={fe('aliases')}
            testId="mail-account-aliases"
          />
          <FormControl>
            <FormLabel id="mail-account-sharing-label">{t('accounts.sharing.label')}</FormLabel>
            <RadioGroup
              row
              aria-labelledby="mail-account-sharing-label"
              value={form.sharing}
              onChange={e => set({ sharing: e.target.value as AccountForm['sharing'] })}
            >
              {(['everything', 'subject', 'nothing'] as const).map(s => (
                <FormControlLabel
                  key={s}
                  value={s}
                  control={<Radio size="small" inputProps={{ 'data-testid': `mail-account-sharing-${s}` } as object} />}
                  label={t(`accounts.sharing.${s}`)}
                />
              ))}
            </RadioGroup>
            <FormHelperText error={!!fe('sharing')}>{fe('sharing') ?? t('accounts.sharing.hint')}</FormHelperText>
          </FormControl>
          <Box>
            <FormControlLabel
              control={
                <Switch
                  checked={form.suggestLeads}
                  onChange={e => set({ suggestLeads: e.target.checked })}
                  inputProps={{ 'data-testid': 'mail-account-suggest-leads' } as object}
                />
              }
              label={t('accounts.dialog.suggestLeads')}
            />
            <FormHelperText sx={{ mt: 0 }}>{t('accounts.dialog.suggestLeadsHint')}</FormHelperText>
          </Box>
          {form.kind === 'shared' && (
            <DepartmentMultiPicker
              org={{ users: org.value?.users ?? [], departments: org.value?.departments ?? [], loading: org.loading }}
              label={t('accounts.dialog.readers')}
              helperText={t('accounts.dialog.readersHint')}
              error={fe('readerDepartments')}
              value={form.readerDepartments}
              onChange={readerDepartments => set({ readerDepartments })}
              fullWidth
              testId="mail-account-readers"
            />
          )}
          {tested && (
            <Alert severity="success" data-testid="mail-account-test-ok">
              {tested.folders?.length
                ? t('accounts.dialog.testOkFolders', { count: tested.folders.length })
                : t('accounts.dialog.testOk')}
            </Alert>
          )}
          {!!error && (
            <Box data-testid={onlyFieldErrors ? 'mail-account-field-errors' : undefined}>
              <ApiErrorAlert error={error} testIdPrefix="mail-account" />
            </Box>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        {form.provider === 'imap' && (
          <Button
            onClick={test}
            disabled={!!busy}
            startIcon={busy === 'test' ? <CircularProgress size={16} /> : undefined}
            data-testid="mail-account-test"
          >
            {busy === 'test' ? t('accounts.dialog.testing') : t('accounts.dialog.test')}
          </Button>
        )}
        <Box sx={{ flex: 1 }} />
        <Button onClick={props.onClose} disabled={!!busy}>
          {t('common.cancel')}
        </Button>
        <Button
          variant="contained"
          onClick={save}
          disabled={!!busy}
          startIcon={busy === 'save' ? <CircularProgress size={16} color="inherit" /> : undefined}
          data-testid="mail-account-save"
        >
          {t('common.save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
