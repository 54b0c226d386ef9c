import { ChangeEvent, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import DownloadIcon from '@mui/icons-material/FileDownload';
import { useApi } from '@backstage/frontend-plugin-api';
import { MAX_ATTACHMENT_BYTES } from '@cocrm/plugin-crm-common';
import type { Attachment, Contract } from '@cocrm/plugin-crm-common';
import { errorMessage, saveBlob, useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { ConfirmDialog } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useUserNames } from '../common/users';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * 附件 of a contract: download for everyone who sees them; upload and delete
 * while the contract may be edited. Each change bumps the contract's version,
 * so the page reloads the contract afterwards (`onChanged`).
 */
export function ContractAttachments(props: { contract: Contract; editable: boolean; onChanged: () => void }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const userName = useUserNames();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const [removing, setRemoving] = useState<Attachment>();
  const [removeError, setRemoveError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { contract } = props;
  const attachments = contract.attachments ?? [];

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length === 0) return;
    setUploading(true);
    try {
      for (const file of files) {
        // the server refuses it too, but only after the whole file has travelled
        if (file.size > MAX_ATTACHMENT_BYTES) {
          notify({ message: t('contract.attachments.tooLarge', { name: file.name }), severity: 'warning' });
          continue;
        }
        await api.uploadContractAttachment(contract.id, file, file.name);
        notify({ message: t('contract.attachments.uploaded', { name: file.name }) });
      }
    } catch (err) {
      notify({ message: errorMessage(err), severity: 'error' });
    } finally {
      setUploading(false);
      props.onChanged();
    }
  };

  const download = async (a: Attachment) => {
    try {
      const { blob, filename } = await api.downloadContractAttachment(contract.id, a.id);
      saveBlob(blob, filename || a.fileName);
    } catch (err) {
      notify({ message: errorMessage(err), severity: 'error' });
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(undefined);
    try {
      await api.deleteContractAttachment(contract.id, removing.id);
      notify({ message: t('contract.attachments.removed', { name: removing.fileName }) });
      setRemoving(undefined);
      props.onChanged();
    } catch (err) {
      setRemoveError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="crm-contract-attachments">
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle1" sx={{ flex: 1, fontWeight: 600 }}>
          {t('contract.attachments.title')}
        </Typography>
        {props.editable && (
          <>
            <input ref={input} type="file" multiple hidden onChange={upload} data-testid="crm-attachment-input" />
            <Button
              size="small"
              variant="outlined"
              startIcon={uploading ? <CircularProgress size={16} color="inherit" /> : <AttachFileIcon />}
              disabled={uploading}
              onClick={() => input.current?.click()}
              data-testid="crm-attachment-upload"
            >
              {uploading ? t('contract.attachments.uploading') : t('contract.attachments.upload')}
            </Button>
          </>
        )}
      </Box>
      {attachments.length === 0 ? (
        <Typography color="text.secondary" variant="body2">
          {t('contract.attachments.empty')}
        </Typography>
      ) : (
        <List dense disablePadding>
          {attachments.map(a => (
            <ListItem
              key={a.id}
              disableGutters
              data-testid="crm-attachment"
              secondaryAction={
                <Box>
                  <Tooltip title={t('contract.attachments.download')}>
                    <IconButton edge="end" aria-label={`${t('contract.attachments.download')} ${a.fileName}`} onClick={() => download(a)}>
                      <DownloadIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                  {props.editable && (
                    <Tooltip title={t('contract.attachments.remove')}>
                      <IconButton
                        edge="end"
                        sx={{ ml: 1 }}
                        aria-label={`${t('contract.attachments.remove')} ${a.fileName}`}
                        onClick={() => {
                          setRemoveError(undefined);
                          setRemoving(a);
                        }}
                      >
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                </Box>
              }
            >
              <ListItemText
                primary={a.fileName}
                secondary={`${formatSize(a.size)} · ${t('contract.attachments.uploadedBy', { name: userName(a.createdBy), at: formatDateTime(a.createdAt) })}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <ConfirmDialog
        open={!!removing}
        title={t('contract.attachments.confirmRemove', { name: removing?.fileName ?? '' })}
        text={t('contract.attachments.confirmRemoveText')}
        confirmLabel={t('contract.attachments.remove')}
        busy={busy}
        error={removeError}
        onClose={() => setRemoving(undefined)}
        onConfirm={remove}
      />
    </Paper>
  );
}
