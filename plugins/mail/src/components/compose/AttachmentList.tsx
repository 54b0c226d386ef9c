import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import CloseIcon from '@mui/icons-material/Close';
import type { DraftAttachment } from '../../api/types';
import { formatSize } from '../common/format';
import { useMailT } from '../common/i18n';

/** A file on its way to the draft, or one that could not be added. */
export interface Upload {
  key: string;
  name: string;
  size: number;
  loaded: number;
  error?: string;
  abort?: () => void;
}

export function AttachmentList(props: {
  attachments: DraftAttachment[];
  uploads: Upload[];
  onRemove: (a: DraftAttachment) => void;
  onDismissUpload: (key: string) => void;
  error?: string;
}) {
  const { t } = useMailT();
  if (!props.attachments.length && !props.uploads.length && !props.error) return null;
  return (
    <Box data-testid="mail-compose-attachments">
      <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 0.5 }}>
        {t('compose.attachments')}
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        {props.attachments.map(a => (
          <Chip
            key={a.id}
            icon={<AttachFileIcon />}
            label={`${a.filename} · ${formatSize(a.size)}`}
            onDelete={() => props.onRemove(a)}
            deleteIcon={<CloseIcon aria-label={t('compose.removeAttachment', { name: a.filename })} />}
            data-testid={`mail-compose-attachment-${a.id}`}
          />
        ))}
      </Box>
      {props.uploads.map(u => {
        const percent = u.size ? Math.min(100, Math.round((u.loaded / u.size) * 100)) : 0;
        return (
          <Paper key={u.key} variant="outlined" sx={{ mt: 1, p: 1 }} data-testid="mail-compose-upload">
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              <AttachFileIcon fontSize="small" color={u.error ? 'error' : 'action'} />
              <Typography variant="body2" noWrap sx={{ flex: 1 }}>
                {u.name} · {formatSize(u.size)}
              </Typography>
              {!u.error && (
                <Typography variant="caption" color="text.secondary" data-testid="mail-compose-upload-progress">
                  {t('compose.uploading', { percent })}
                </Typography>
              )}
              <IconButton
                size="small"
                aria-label={t('compose.removeAttachment', { name: u.name })}
                onClick={() => (u.abort ? u.abort() : props.onDismissUpload(u.key))}
              >
                <CloseIcon fontSize="small" />
              </IconButton>
            </Box>
            {u.error ? (
              <Typography variant="caption" color="error" data-testid="mail-compose-upload-error">
                {u.error}
              </Typography>
            ) : (
              <LinearProgress variant="determinate" value={percent} sx={{ mt: 0.5 }} />
            )}
          </Paper>
        );
      })}
      {props.error && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          {props.error}
        </Alert>
      )}
    </Box>
  );
}
