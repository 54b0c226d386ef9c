import { useEffect, useState } from 'react';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import { useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MessageView } from '../../api/types';
import { useMailLinks } from '../../routes';
import { ApiErrorAlert, apiFieldErrors } from '../common/feedback';
import { useMailT } from '../common/i18n';
import { useNavigate } from 'react-router-dom';

/** 转为知识: keeps the mail (with its attachments) as a knowledge item, under a title and a note. */
export function KnowledgeDialog(props: { message: MessageView | undefined; onClose: () => void }) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const links = useMailLinks();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const { message } = props;

  useEffect(() => {
    setTitle(message?.subject ?? '');
    setNote('');
    setError(undefined);
  }, [message]);

  const fields = apiFieldErrors(error);
  const save = async () => {
    if (!message) return;
    setBusy(true);
    setError(undefined);
    try {
      const item = await api.saveKnowledge(message.id, {
        title: title.trim() || undefined,
        note: note.trim() || undefined,
      });
      notify({
        message: t('knowledge.saved'),
        action: { label: t('knowledge.title'), onClick: () => navigate(links.knowledgeItem(item.id)) },
      });
      props.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={!!message}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      data-testid="mail-knowledge-dialog"
    >
      <DialogTitle>{t('knowledge.dialogTitle')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField
            label={t('knowledge.itemTitle')}
            value={title}
            onChange={e => setTitle(e.target.value)}
            error={!!fields.title}
            helperText={fields.title}
            inputProps={{ 'data-testid': 'mail-knowledge-title', maxLength: 300 }}
            fullWidth
          />
          <TextField
            label={t('knowledge.note')}
            value={note}
            onChange={e => setNote(e.target.value)}
            error={!!fields.note}
            helperText={fields.note}
            multiline
            minRows={3}
            inputProps={{ 'data-testid': 'mail-knowledge-note' }}
            fullWidth
          />
          {!!error && !Object.keys(fields).length && <ApiErrorAlert error={error} />}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button
          variant="contained"
          onClick={save}
          disabled={busy}
          data-testid="mail-knowledge-save"
          startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {t('knowledge.dialogTitle')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
