import { useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { workflowFlowCreatePermission, workflowFlowDeletePermission } from '@cocrm/plugin-workflow-common';
import { ApiErrorAlert, ConfirmDialog, EmptyState, ErrorState, LoadingState, useLoad, useNotify } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import type { Flow } from '../../api/types';
import { useWorkflowLinks } from '../../routes';
import { useNames as useWorkflowNames } from '../common/directory';
import { formatDateTime } from '../common/format';
import { useDesignerT } from './i18n';
import { NewFlowDialog } from './NewFlowDialog';

/** 审批流程: one flow per document type, its current version and who changed it last. */
export function FlowListPage() {
  const { t, label } = useDesignerT();
  const api = useApi(workflowApiRef);
  const notify = useNotify();
  const navigate = useNavigate();
  const links = useWorkflowLinks();
  const { userName } = useWorkflowNames();
  const canCreate = usePermission({ permission: workflowFlowCreatePermission }).allowed;
  const canDelete = usePermission({ permission: workflowFlowDeletePermission }).allowed;
  const flows = useLoad(() => api.listFlows(), [api]);
  const docTypes = useLoad(() => api.listDocumentTypes(), [api]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Flow | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();

  const typeLabel = (type: string) => {
    const spec = docTypes.value?.find(d => d.type === type);
    if (spec) return label(spec.label, type);
    return docTypes.value ? t('list.unregistered', { type }) : type;
  };
  const taken = new Set((flows.value ?? []).map(f => f.documentType));
  const available = (docTypes.value ?? []).filter(d => !taken.has(d.type));

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteFlow(deleting.id, deleting.version);
      notify({ message: t('list.deleted', { name: deleting.name }) });
      setDeleting(null);
      flows.retry();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleteBusy(false);
    }
  };

  let body;
  if (flows.error && !flows.value) body = <ErrorState error={flows.error} onRetry={flows.retry} testId="designer-flows-error" />;
  else if (!flows.value) body = <LoadingState testId="designer-flows-loading" />;
  else if (flows.value.length === 0) {
    body = (
      <EmptyState
        title={t('list.empty')}
        hint={t('list.emptyHint')}
        testId="designer-flows-empty"
        action={
          canCreate && (
            <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
              {t('list.create')}
            </Button>
          )
        }
      />
    );
  } else {
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label={t('list.title')} data-testid="designer-flows">
          <TableHead>
            <TableRow>
              <TableCell>{t('list.columnDocumentType')}</TableCell>
              <TableCell>{t('list.columnName')}</TableCell>
              <TableCell>{t('list.columnVersion')}</TableCell>
              <TableCell>{t('list.columnUpdatedBy')}</TableCell>
              <TableCell>{t('list.columnUpdatedAt')}</TableCell>
              <TableCell align="right">{t('list.columnActions')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {flows.value.map(f => (
              <TableRow key={f.id} hover data-testid={`designer-flow-${f.id}`}>
                <TableCell>{typeLabel(f.documentType)}</TableCell>
                <TableCell>
                  <Link component={RouterLink} to={links.flow(f.id)} underline="hover">
                    {f.name}
                  </Link>
                </TableCell>
                <TableCell>
                  <Chip size="small" label={t('list.version', { number: f.currentVersion })} />
                </TableCell>
                <TableCell>{userName(f.updatedBy)}</TableCell>
                <TableCell>{formatDateTime(f.updatedAt)}</TableCell>
                <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                  <Tooltip title={t('list.design')}>
                    <IconButton component={RouterLink} to={links.flow(f.id)} aria-label={t('list.design')} size="small">
                      <EditOutlined fontSize="small" />
                    </IconButton>
                  </Tooltip>
                  {canDelete && (
                    <Tooltip title={t('list.delete')}>
                      <IconButton
                        size="small"
                        aria-label={t('list.delete')}
                        onClick={() => {
                          setDeleteError(undefined);
                          setDeleting(f);
                        }}
                        data-testid={`designer-flow-delete-${f.id}`}
                      >
                        <DeleteOutline fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }

  return (
    <Box data-testid="designer-flow-list">
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Box sx={{ flex: 1, minWidth: 240 }}>
          <Typography variant="h5" component="h2">
            {t('list.title')}
          </Typography>
          <Typography color="text.secondary">{t('list.subtitle')}</Typography>
        </Box>
        {canCreate && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} disabled={!flows.value || !docTypes.value} data-testid="designer-new">
            {t('list.create')}
          </Button>
        )}
      </Box>
      {body}
      <NewFlowDialog
        open={creating}
        available={available}
        onClose={() => setCreating(false)}
        onCreated={flow => {
          setCreating(false);
          notify({ message: t('create.created', { name: flow.name }) });
          navigate(links.flow(flow.id));
        }}
      />
      <ConfirmDialog
        open={!!deleting}
        title={t('list.deleteTitle', { name: deleting?.name ?? '' })}
        text={t('list.deleteText')}
        confirmLabel={t('list.deleteConfirm')}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
        busy={deleteBusy}
        alert={
          deleteError ? (
            <ApiErrorAlert
              error={deleteError}
              testIdPrefix="designer-delete"
              onReload={() => {
                setDeleting(null);
                flows.retry();
              }}
            />
          ) : undefined
        }
        testId="designer-delete-confirm"
      />
    </Box>
  );
}
