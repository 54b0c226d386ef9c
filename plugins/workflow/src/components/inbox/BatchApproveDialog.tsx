import { FormEvent, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import { useApi } from '@backstage/frontend-plugin-api';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { BatchApproveResult, TaskListItem } from '../../api/types';
import { ApiErrorAlert } from '../common/feedback';
import { useWorkflowT } from '../common/i18n';

/**
 * 批量同意: one optional comment for every selected task, then the outcome of
 * each, since some may have been decided, withdrawn or changed meanwhile.
 */
export function BatchApproveDialog(props: {
  open: boolean;
  items: TaskListItem[];
  onClose: () => void;
  /** after the backend answered (whatever the single outcomes), with the task ids that were approved */
  onDone: (approvedTaskIds: string[]) => void;
}) {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [results, setResults] = useState<BatchApproveResult[]>();
  useEffect(() => {
    if (props.open) {
      setComment('');
      setError(undefined);
      setResults(undefined);
    }
  }, [props.open]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    e?.stopPropagation();
    if (busy || results) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.batchApprove(
        props.items.map(i => ({ taskId: i.task.id, version: i.task.version })),
        comment.trim() || undefined,
      );
      setResults(answer);
      props.onDone(answer.filter(r => r.ok).map(r => r.taskId));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const byTask = new Map((results ?? []).map(r => [r.taskId, r]));
  const okCount = (results ?? []).filter(r => r.ok).length;
  const failed = (results ?? []).length - okCount;

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      aria-labelledby="workflow-batch-title"
      data-testid="workflow-batch-dialog"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="workflow-batch-title">{t('batch.title', { count: props.items.length })}</DialogTitle>
        <DialogContent dividers>
          {!results && (
            <>
              <DialogContentText sx={{ mb: 2 }}>{t('batch.hint', { count: props.items.length })}</DialogContentText>
              <TextField
                label={t('actions.commentOptional')}
                value={comment}
                onChange={e => setComment(e.target.value)}
                onKeyDown={e => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
                }}
                multiline
                minRows={2}
                fullWidth
                // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
                autoFocus
                inputProps={{ maxLength: 2000, 'data-testid': 'workflow-batch-comment' }}
              />
            </>
          )}
          {error !== undefined && (
            <Box sx={{ mt: 2 }}>
              <ApiErrorAlert error={error} />
            </Box>
          )}
          {results && (
            <>
              <Alert severity={failed ? 'warning' : 'success'} sx={{ mb: 2 }} data-testid="workflow-batch-summary">
                {failed ? t('batch.partly', { ok: okCount, failed }) : t('batch.allDone', { ok: okCount })}
              </Alert>
              <Table size="small" data-testid="workflow-batch-results">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('columns.title')}</TableCell>
                    <TableCell>{t('batch.result')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {props.items.map(item => {
                    const r = byTask.get(item.task.id);
                    return (
                      <TableRow key={item.task.id} data-testid={`workflow-batch-result-${item.task.id}`}>
                        <TableCell>{item.instance.title}</TableCell>
                        <TableCell>
                          <Box
                            sx={{
                              display: 'flex',
                              alignItems: 'center',
                              gap: 0.75,
                              color: r?.ok ? 'success.main' : 'error.main',
                            }}
                          >
                            {r?.ok ? <CheckCircleIcon fontSize="small" /> : <ErrorIcon fontSize="small" />}
                            <span>{r?.ok ? t('batch.approved') : r?.message || t('batch.noAnswer')}</span>
                          </Box>
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </>
          )}
        </DialogContent>
        <DialogActions>
          {results ? (
            <Button onClick={props.onClose} variant="contained" data-testid="workflow-batch-close">
              {t('common.close')}
            </Button>
          ) : (
            <>
              <Button onClick={props.onClose} disabled={busy}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                variant="contained"
                color="success"
                disabled={busy || !props.items.length}
                startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
                data-testid="workflow-batch-confirm"
              >
                {t('batch.confirm', { count: props.items.length })}
              </Button>
            </>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
