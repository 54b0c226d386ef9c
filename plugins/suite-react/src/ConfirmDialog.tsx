import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useSuiteT } from './i18n';

/**
 * Asks before an action. Test ids: `<testId>` on the confirm button,
 * `<testId>-dialog` and `<testId>-cancel`.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  text?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  /** shown under the text, typically the plugin's ApiErrorAlert for the last attempt */
  alert?: ReactNode;
  /** destructive actions are red */
  tone?: 'danger' | 'primary';
  testId?: string;
}) {
  const { t } = useSuiteT();
  const titleId = props.testId ? `${props.testId}-title` : 'suite-confirm-title';
  const id = (suffix: string) => (props.testId ? `${props.testId}-${suffix}` : undefined);
  return (
    <Dialog
      open={props.open}
      onClose={() => !props.busy && props.onClose()}
      maxWidth="xs"
      fullWidth
      aria-labelledby={titleId}
      data-testid={id('dialog')}
    >
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {props.text && <DialogContentText component="div">{props.text}</DialogContentText>}
        {props.alert && <Box sx={{ mt: 2 }}>{props.alert}</Box>}
      </DialogContent>
      <DialogActions>
        <Button
          onClick={props.onClose}
          disabled={props.busy}
          // WAI-ARIA: a destructive dialog focuses its least destructive action; Esc cancels anyway
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus={props.tone !== 'primary'}
          data-testid={id('cancel')}
        >
          {t('confirm.cancel')}
        </Button>
        <Button
          color={props.tone === 'primary' ? 'primary' : 'error'}
          variant="contained"
          onClick={props.onConfirm}
          disabled={props.busy}
          // a non-destructive confirmation (handover) is confirmed with Enter
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus={props.tone === 'primary'}
          data-testid={props.testId}
          startIcon={props.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
