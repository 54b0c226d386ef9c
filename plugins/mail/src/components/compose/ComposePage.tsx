import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import SaveIcon from '@mui/icons-material/SaveOutlined';
import SendIcon from '@mui/icons-material/Send';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLeaveGuard, useLoad, useNotify } from '@cocrm/suite-react';
import { MailApiError, mailApiRef } from '../../api/MailClient';
import type { Draft, DraftAttachment, MailAddress } from '../../api/types';
import { useMailLinks } from '../../routes';
import { isValidAddress } from '../common/addresses';
import { ApiErrorAlert, ConfirmDialog, ErrorState, LoadingState, apiFieldErrors } from '../common/feedback';
import { formatTime } from '../common/format';
import { MailMessageKey, useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import type { ComposeReturn } from '../common/useStartCompose';
import { AddressField } from './AddressField';
import { CustomerField } from './CustomerField';
import { MAX_ATTACHMENT_BYTES } from '@cocrm/plugin-mail-common';
import { AttachmentList, Upload } from './AttachmentList';
import { RichEditor } from './RichEditor';

interface Form {
  accountId: string;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  html: string;
  customerId: string | null;
}

/** Quiet time after the last keystroke before the draft is saved. */
const AUTOSAVE_MS = 1500;

function formOf(d: Draft): Form {
  return {
    accountId: d.accountId,
    to: d.to,
    cc: d.cc,
    bcc: d.bcc,
    subject: d.subject,
    html: d.html,
    customerId: d.customerId ?? null,
  };
}

/** The first field message at or under `prefix` ("to" matches "to.1.address"). */
function fieldError(fields: Record<string, string>, prefix: string): string | undefined {
  const key = Object.keys(fields).find(k => k === prefix || k.startsWith(`${prefix}.`));
  return key ? fields[key] : undefined;
}

/**
 * 写邮件: one draft, saved as it is typed (debounced, with its version: a
 * save that meets a newer version stops and offers to reload), attachments
 * uploaded with progress, sent through the outbox.
 */
export function ComposePage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const navigate = useNavigate();
  const links = useMailLinks();
  const location = useLocation();
  const { draftId = '' } = useParams<{ draftId: string }>();
  const returnTo = (location.state as ComposeReturn | null)?.returnTo;
  const { mailboxes } = useMailboxes();
  const data = useLoad(() => api.getDraft(draftId), [api, draftId]);

  const [form, setForm] = useState<Form>();
  const [resetKey, setResetKey] = useState('');
  const [attachments, setAttachments] = useState<DraftAttachment[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [showCc, setShowCc] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string>();
  const [saveError, setSaveError] = useState<unknown>();
  const [conflict, setConflict] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sendError, setSendError] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const [askNoSubject, setAskNoSubject] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [discardBusy, setDiscardBusy] = useState(false);
  const [discardError, setDiscardError] = useState<unknown>();

  const version = useRef(0);
  const formRef = useRef<Form>();
  const editSeq = useRef(0);
  const savedSeq = useRef(0);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const stopped = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const draft = data.value?.id === draftId ? data.value : undefined;

  useEffect(() => {
    if (!draft) return;
    const f = formOf(draft);
    version.current = draft.version;
    formRef.current = f;
    editSeq.current = 0;
    savedSeq.current = 0;
    stopped.current = false;
    setForm(f);
    setAttachments(draft.attachments ?? []);
    setShowCc(draft.cc.length > 0 || draft.bcc.length > 0);
    setDirty(false);
    setConflict(false);
    setSaveError(undefined);
    setSavedAt(draft.updatedAt);
    setResetKey(`${draft.id}:${draft.version}:${Date.now()}`);
  }, [draft]);

  const update = (patch: Partial<Form>) => {
    if (!formRef.current) return;
    const next = { ...formRef.current, ...patch };
    formRef.current = next;
    editSeq.current += 1;
    setForm(next);
    setDirty(true);
    setErrors(e => {
      const rest = { ...e };
      for (const k of Object.keys(patch)) delete rest[k];
      return rest;
    });
  };

  /** Saves what is typed now, after any save under way; false when it could not be saved. */
  const save = useCallback(async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    if (stopped.current || !formRef.current) return !stopped.current;
    if (editSeq.current === savedSeq.current) return true;
    const seq = editSeq.current;
    const f = formRef.current;
    const run = (async () => {
      setSaving(true);
      setSaveError(undefined);
      try {
        const saved = await api.updateDraft(draftId, { version: version.current, ...f });
        version.current = saved.version;
        savedSeq.current = seq;
        setSavedAt(saved.updatedAt ?? new Date().toISOString());
        if (editSeq.current === seq) setDirty(false);
        return true;
      } catch (e) {
        if (e instanceof MailApiError && e.isStale) {
          // someone saved this draft elsewhere (another tab): stop rather than overwrite
          stopped.current = true;
          setConflict(true);
        } else {
          setSaveError(e);
        }
        return false;
      } finally {
        setSaving(false);
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [api, draftId]);

  // autosave after a quiet moment
  useEffect(() => {
    if (!dirty || conflict) return undefined;
    const h = setTimeout(() => {
      save();
    }, AUTOSAVE_MS);
    return () => clearTimeout(h);
  }, [form, dirty, conflict, save]);

  const uploading = uploads.some(u => !u.error);
  const guard = useLeaveGuard(!stopped.current && (dirty || saving || uploading));

  const addFiles = (files: FileList | File[] | null) => {
    // the limit holds for all attachments of a draft together
    let used =
      attachments.reduce((n, a) => n + a.size, 0) + uploads.filter(u => !u.error).reduce((n, u) => n + u.size, 0);
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}:${file.size}:${Math.random().toString(36).slice(2)}`;
      if (used + file.size > MAX_ATTACHMENT_BYTES) {
        setUploads(u => [
          ...u,
          { key, name: file.name, size: file.size, loaded: 0, error: t('compose.tooLarge', { name: file.name }) },
        ]);
        continue;
      }
      used += file.size;
      const controller = new AbortController();
      setUploads(u => [...u, { key, name: file.name, size: file.size, loaded: 0, abort: () => controller.abort() }]);
      api
        .uploadAttachment(
          draftId,
          file,
          loaded => setUploads(u => u.map(x => (x.key === key ? { ...x, loaded } : x))),
          controller.signal,
        )
        .then(
          attachment => {
            setUploads(u => u.filter(x => x.key !== key));
            setAttachments(a => [...a, attachment]);
          },
          e => {
            if ((e as Error)?.name === 'AbortError') {
              setUploads(u => u.filter(x => x.key !== key));
              return;
            }
            const message = t('compose.uploadFailed', { message: (e as Error)?.message ?? String(e) });
            setUploads(u => u.map(x => (x.key === key ? { ...x, error: message, abort: undefined } : x)));
          },
        );
    }
  };

  const removeAttachment = async (a: DraftAttachment) => {
    try {
      await api.removeAttachment(draftId, a.id);
      setAttachments(list => list.filter(x => x.id !== a.id));
    } catch (e) {
      setSaveError(e);
    }
  };

  const validate = (f: Form): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!f.to.length && !f.cc.length && !f.bcc.length) out.to = t('compose.needRecipient');
    for (const field of ['to', 'cc', 'bcc'] as const) {
      const bad = f[field].filter(a => !isValidAddress(a.address));
      if (bad.length)
        out[field] = t('compose.invalidAddresses', { list: bad.map(a => a.address).join(t('common.listSeparator')) });
    }
    if (uploads.some(u => !u.error)) out.attachments = t('compose.waitUploads');
    return out;
  };

  const leave = () => navigate(returnTo ?? links.inbox);

  const send = async (confirmedNoSubject = false) => {
    const f = formRef.current;
    if (!f || sending) return;
    const problems = validate(f);
    setErrors(problems);
    setSendError(undefined);
    if (Object.keys(problems).length) return;
    if (!f.subject.trim() && !confirmedNoSubject) {
      setAskNoSubject(true);
      return;
    }
    setAskNoSubject(false);
    setSending(true);
    try {
      if (!(await save())) return;
      await api.sendDraft(draftId, version.current);
      stopped.current = true;
      setDirty(false);
      notify({
        message: t('compose.queued'),
        action: { label: t('nav.outbox'), onClick: () => navigate(links.outbox) },
      });
      leave();
    } catch (e) {
      if (e instanceof MailApiError && e.isStale) setConflict(true);
      setSendError(e);
    } finally {
      setSending(false);
    }
  };

  const saveNow = async () => {
    if (editSeq.current === savedSeq.current) {
      notify({ message: t('compose.saved') });
      return;
    }
    if (await save()) notify({ message: t('compose.saved') });
  };

  const discard = async () => {
    setDiscardBusy(true);
    setDiscardError(undefined);
    stopped.current = true;
    try {
      while (inFlight.current) await inFlight.current;
      await api.deleteDraft(draftId, version.current);
      setDirty(false);
      setDiscarding(false);
      notify({ message: t('compose.discarded') });
      leave();
    } catch (e) {
      stopped.current = conflict;
      setDiscardError(e);
    } finally {
      setDiscardBusy(false);
    }
  };

  if (data.error && !draft) return <ErrorState error={data.error} onRetry={data.retry} />;
  if (!draft || !form) return <LoadingState />;

  const apiFields = apiFieldErrors(sendError ?? saveError);
  const err = (name: string) => errors[name] ?? fieldError(apiFields, name);
  const busy = sending || conflict;
  let status = '';
  if (saving) status = t('compose.saving');
  else if (dirty) status = t('compose.unsaved');
  else if (savedAt) status = t('compose.savedAt', { time: formatTime(savedAt) });

  return (
    <Box
      sx={{ p: { xs: 1, md: 2 }, maxWidth: 1100 }}
      data-testid="mail-compose-page"
      onKeyDown={e => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          send();
        }
      }}
      onDragOver={e => e.preventDefault()}
      onDrop={e => {
        if (e.dataTransfer?.files?.length) {
          e.preventDefault();
          addFiles(e.dataTransfer.files);
        }
      }}
    >
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Typography variant="h5" component="h1" gutterBottom>
          {t(`compose.mode.${draft.mode}` as MailMessageKey)}
        </Typography>
        {conflict && (
          <Alert
            severity="warning"
            sx={{ mb: 2 }}
            data-testid="mail-compose-conflict"
            action={
              <Button color="inherit" size="small" onClick={data.retry} data-testid="mail-compose-reload">
                {t('compose.reload')}
              </Button>
            }
          >
            <AlertTitle>{t('compose.conflictTitle')}</AlertTitle>
            {t('compose.conflictText')}
          </Alert>
        )}
        <Stack spacing={1.5}>
          <FormControl variant="standard" size="small" error={!!err('accountId')}>
            <InputLabel id="mail-compose-from-label">{t('compose.from')}</InputLabel>
            <Select
              labelId="mail-compose-from-label"
              value={form.accountId}
              onChange={e => update({ accountId: String(e.target.value) })}
              disabled={busy}
              inputProps={{ 'data-testid': 'mail-compose-from' }}
            >
              {(mailboxes ?? []).map(m => (
                <MenuItem key={m.accountId} value={m.accountId}>
                  {m.displayName ? `${m.displayName} <${m.email}>` : m.email}
                </MenuItem>
              ))}
              {!mailboxes?.some(m => m.accountId === form.accountId) && (
                <MenuItem value={form.accountId}>{form.accountId}</MenuItem>
              )}
            </Select>
          </FormControl>
          <Box sx={{ display: 'flex', alignItems: 'flex-end', gap: 1 }}>
            <Box sx={{ flex: 1 }}>
              <AddressField
                label={t('compose.to')}
                value={form.to}
                onChange={to => update({ to })}
                error={err('to')}
                testId="mail-compose-to"
                disabled={busy}
                // eslint-disable-next-line jsx-a11y/no-autofocus -- a new or forwarded message starts with its recipients
                autoFocus={draft.mode === 'new' || draft.mode === 'forward'}
              />
            </Box>
            {!showCc && (
              <Button size="small" onClick={() => setShowCc(true)} data-testid="mail-compose-show-cc">
                {t('compose.showCcBcc')}
              </Button>
            )}
          </Box>
          {showCc && (
            <>
              <AddressField
                label={t('compose.cc')}
                value={form.cc}
                onChange={cc => update({ cc })}
                error={err('cc')}
                testId="mail-compose-cc"
                disabled={busy}
              />
              <AddressField
                label={t('compose.bcc')}
                value={form.bcc}
                onChange={bcc => update({ bcc })}
                error={err('bcc')}
                testId="mail-compose-bcc"
                disabled={busy}
              />
            </>
          )}
          <TextField
            variant="standard"
            label={t('compose.subject')}
            value={form.subject}
            onChange={e => update({ subject: e.target.value })}
            error={!!err('subject')}
            helperText={err('subject')}
            disabled={busy}
            inputProps={{ 'data-testid': 'mail-compose-subject', maxLength: 998 }}
          />
          <CustomerField
            customerId={form.customerId}
            onChange={customerId => update({ customerId })}
            error={err('customerId')}
            disabled={busy}
          />
          <RichEditor
            label={t('compose.body')}
            initialHtml={draft.html}
            resetKey={resetKey}
            onChange={html => {
              if (html !== formRef.current?.html) update({ html });
            }}
            disabled={busy}
          />
          {!!err('html') && <Alert severity="error">{err('html')}</Alert>}
          <AttachmentList
            attachments={attachments}
            uploads={uploads}
            onRemove={removeAttachment}
            onDismissUpload={key => setUploads(u => u.filter(x => x.key !== key))}
            error={err('attachments')}
          />
          {!!sendError && !(sendError instanceof MailApiError && sendError.isStale) && (
            <ApiErrorAlert error={sendError} testIdPrefix="mail-compose-send" />
          )}
          {!!saveError && <ApiErrorAlert error={saveError} testIdPrefix="mail-compose-save" />}
        </Stack>
        <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, mt: 2 }}>
          <Button
            variant="contained"
            startIcon={sending ? <CircularProgress size={16} color="inherit" /> : <SendIcon />}
            onClick={() => send()}
            disabled={busy}
            data-testid="mail-compose-send"
          >
            {t('compose.send')}
          </Button>
          <Button startIcon={<SaveIcon />} onClick={saveNow} disabled={busy || saving} data-testid="mail-compose-save">
            {t('compose.saveDraft')}
          </Button>
          <Button
            startIcon={<AttachFileIcon />}
            onClick={() => fileInput.current?.click()}
            disabled={busy}
            data-testid="mail-compose-attach"
          >
            {t('compose.attach')}
          </Button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="mail-compose-file"
            onChange={e => {
              addFiles(e.target.files);
              e.target.value = '';
            }}
          />
          <Typography variant="caption" color="text.secondary" data-testid="mail-compose-status" sx={{ ml: 1 }}>
            {status}
          </Typography>
          <Box sx={{ flex: 1 }} />
          <Button
            color="error"
            startIcon={<DeleteOutlineIcon />}
            onClick={() => {
              setDiscardError(undefined);
              setDiscarding(true);
            }}
            disabled={sending}
            data-testid="mail-compose-discard"
          >
            {t('compose.discard')}
          </Button>
        </Box>
      </Paper>
      <ConfirmDialog
        open={askNoSubject}
        title={t('compose.noSubjectTitle')}
        text={t('compose.noSubjectText')}
        confirmLabel={t('compose.sendAnyway')}
        tone="primary"
        onConfirm={() => send(true)}
        onClose={() => setAskNoSubject(false)}
        testId="mail-compose-no-subject"
      />
      <ConfirmDialog
        open={discarding}
        title={t('compose.discardTitle')}
        text={t('compose.discardText')}
        confirmLabel={t('compose.discard')}
        busy={discardBusy}
        error={discardError}
        onConfirm={discard}
        onClose={() => setDiscarding(false)}
        testId="mail-compose-discard-confirm"
      />
      <ConfirmDialog
        open={guard.leaving}
        title={t('compose.leaveTitle')}
        text={t('compose.leaveText')}
        confirmLabel={t('compose.leave')}
        onConfirm={guard.confirmLeave}
        onClose={guard.cancelLeave}
        testId="mail-compose-leave"
      />
    </Box>
  );
}
