import { FormEvent, KeyboardEvent, ReactNode, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ApiErrorAlert, apiFieldErrors, isConflict } from '../common/feedback';
import { useWorkflowT } from '../common/i18n';

export const COMMENT_MAX = 2000;

/**
 * One action on an approval: extra fields (given as children), a comment
 * and the button. Ctrl+Enter (⌘+Enter) in the comment submits.
 * A 409/410 goes to `onConflict` (the page shows it and reloads); other
 * errors stay in the dialog.
 */
export function ActionDialog(props: {
  open: boolean;
  title: string;
  text?: ReactNode;
  confirmLabel: string;
  color?: 'primary' | 'success' | 'error' | 'warning';
  commentLabel?: string;
  commentRequired?: boolean;
  /** checks the extra fields (showing their errors); false keeps the dialog open */
  validate?: () => boolean;
  onSubmit: (comment: string | undefined) => Promise<void>;
  onClose: () => void;
  onDone: () => void;
  onConflict: (error: unknown) => void;
  children?: ReactNode;
  /** focus the comment rather than the first extra field (default: when there are no extra fields) */
  focusComment?: boolean;
  testId: string;
}) {
  const { t } = useWorkflowT();
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (props.open) {
      setComment('');
      setCommentError(undefined);
      setError(undefined);
    }
  }, [props.open]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    // dialogs are portalled: keep the submit from bubbling into a form of the page behind
    e?.stopPropagation();
    if (busy) return;
    const text = comment.trim();
    const fieldsOk = props.validate ? props.validate() : true;
    const commentOk = !props.commentRequired || !!text;
    setCommentError(commentOk ? undefined : t('actions.commentRequired'));
    if (!fieldsOk || !commentOk) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(text || undefined);
      props.onDone();
    } catch (err) {
      if (isConflict(err)) props.onConflict(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  const serverCommentError = apiFieldErrors(error).comment ?? apiFieldErrors(error).text;

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      aria-labelledby={`${props.testId}-title`}
      data-testid={`${props.testId}-dialog`}
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id={`${props.testId}-title`}>{props.title}</DialogTitle>
        <DialogContent dividers>
          {props.text && <DialogContentText sx={{ mb: 2 }}>{props.text}</DialogContentText>}
          {props.children && (
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, mb: 2 }}>{props.children}</Box>
          )}
          <TextField
            label={props.commentLabel ?? (props.commentRequired ? t('actions.comment') : t('actions.commentOptional'))}
            value={comment}
            onChange={e => {
              setComment(e.target.value);
              setCommentError(undefined);
            }}
            onKeyDown={onKeyDown}
            required={props.commentRequired}
            error={!!(commentError ?? serverCommentError)}
            helperText={commentError ?? serverCommentError ?? t('actions.submitHint')}
            multiline
            minRows={3}
            fullWidth
            // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus a field (WAI-ARIA); the comment is the one most actions need
            autoFocus={props.focusComment ?? !props.children}
            inputProps={{ maxLength: COMMENT_MAX, 'data-testid': `${props.testId}-comment` }}
          />
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', textAlign: 'right' }}>
            {comment.length}/{COMMENT_MAX}
          </Typography>
          {error !== undefined && (
            <Box sx={{ mt: 1 }}>
              <ApiErrorAlert error={error} />
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy} data-testid={`${props.testId}-cancel`}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            color={props.color ?? 'primary'}
            disabled={busy}
            startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
            data-testid={`${props.testId}-submit`}
          >
            {props.confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
