import { FormEvent, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { ApiErrorAlert } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { Flow } from '../../api/types';
import { useDesignerT } from './i18n';
import { templateDefinition } from './tree';

/**
 * 新建流程: a document type that has no flow yet and a name; the flow starts
 * from the template (部门负责人审批 → 结束) and is published as version 1.
 */
export function NewFlowDialog(props: { open: boolean; available: DocumentTypeSpec[]; onClose: () => void; onCreated: (flow: Flow) => void }) {
  const { t, label } = useDesignerT();
  const api = useApi(workflowApiRef);
  const [type, setType] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!props.open) return;
    const first = props.available[0];
    setType(first?.type ?? '');
    setName(first ? t('create.defaultName', { type: label(first.label, first.type) }) : '');
    setNameTouched(false);
    setSubmitted(false);
    setError(undefined);
    // reset when the dialog opens, not while the list it was opened with refreshes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open]);

  const pickType = (next: string) => {
    setType(next);
    const spec = props.available.find(d => d.type === next);
    // the proposed name follows the type until the admin types their own
    if (spec && !nameTouched) setName(t('create.defaultName', { type: label(spec.label, spec.type) }));
  };

  const typeError = submitted && !type ? t('create.typeRequired') : undefined;
  const nameError = submitted && !name.trim() ? t('create.nameRequired') : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!type || !name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const flow = await api.createFlow(templateDefinition(type, name.trim(), t('template.approvalName')));
      props.onCreated(flow);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={() => !busy && props.onClose()} maxWidth="sm" fullWidth aria-labelledby="designer-new-title" data-testid="designer-new-dialog">
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id="designer-new-title">{t('create.title')}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
          {props.available.length === 0 ? (
            <Alert severity="info" data-testid="designer-new-none">
              {t('create.noneLeft')}
            </Alert>
          ) : (
            <>
              <TextField
                select
                size="small"
                fullWidth
                required
                label={t('create.documentType')}
                value={type}
                onChange={e => pickType(e.target.value)}
                error={!!typeError}
                helperText={typeError}
                SelectProps={{ native: true }}
                InputLabelProps={{ shrink: true }}
                inputProps={{ 'data-testid': 'designer-new-type' }}
              >
                {props.available.map(d => (
                  <option key={d.type} value={d.type}>
                    {label(d.label, d.type)}
                  </option>
                ))}
              </TextField>
              <TextField
                size="small"
                fullWidth
                required
                label={t('create.name')}
                value={name}
                onChange={e => {
                  setName(e.target.value);
                  setNameTouched(true);
                }}
                error={!!nameError}
                helperText={nameError}
                inputProps={{ maxLength: 100, 'data-testid': 'designer-new-name' }}
              />
              <Typography variant="body2" color="text.secondary">
                {t('create.template')}
              </Typography>
            </>
          )}
          <ApiErrorAlert error={error} testIdPrefix="designer-new" />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy} data-testid="designer-new-cancel">
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={busy || props.available.length === 0}
            startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
            data-testid="designer-new-submit"
          >
            {t('create.submit')}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
