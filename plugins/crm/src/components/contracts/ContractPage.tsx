import { ReactNode, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import EditIcon from '@mui/icons-material/Edit';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import SendIcon from '@mui/icons-material/Send';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CONTRACT_DELETABLE_STATUSES,
  CONTRACT_EDITABLE_STATUSES,
  CONTRACT_SUBMITTABLE_STATUSES,
  crmContractDeletePermission,
  crmContractUpdatePermission,
} from '@cocrm/plugin-crm-common';
import type { Contract } from '@cocrm/plugin-crm-common';
import { LoadingState, useLoad, useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { useDepartmentNames } from '../common/departments';
import { ConfirmDialog, ErrorState } from '../common/feedback';
import { useUserNames } from '../common/users';
import { formatFieldValue } from '../common/values';
import { ApprovalHistory } from './ApprovalHistory';
import { ContractAttachments } from './ContractAttachments';
import { ContractFormDialog } from './ContractFormDialog';
import { ContractStatusChip } from './ContractStatusChip';

/** The contract's fields as the page shows them, with the label key of each. */
const SECTIONS: Array<{ key: 'basic' | 'period' | 'terms' | 'ownership' | 'remark'; fields: Array<[keyof Contract, string]> }> = [
  { key: 'basic', fields: [['number', 'contractNumber'], ['name', 'contractName'], ['customerName', 'customerName'], ['contractType', 'contractType'], ['format', 'format']] },
  { key: 'period', fields: [['amount', 'amount'], ['signedAt', 'signedAt'], ['startDate', 'startDate'], ['endDate', 'endDate']] },
  { key: 'terms', fields: [['paymentTerms', 'paymentTerms'], ['standard', 'standard'], ['keyTerms', 'keyTerms']] },
  { key: 'ownership', fields: [['owner', 'owner'], ['ownerDepartment', 'ownerDepartment']] },
  { key: 'remark', fields: [['remark', 'remark'], ['createdBy', 'createdBy'], ['createdAt', 'createdAt'], ['updatedBy', 'updatedBy'], ['updatedAt', 'updatedAt']] },
];
const WIDE = new Set<keyof Contract>(['paymentTerms', 'standard', 'keyTerms', 'remark']);

type Confirming = 'submit' | 'resubmit' | 'delete' | undefined;

/**
 * 合同详情: every field the user may see, the attachments, 提交审批 /
 * 重新提交 and the approval's history. While the approval runs, and after it
 * passed, the contract is read-only (the backend refuses changes as well).
 */
export function ContractPage() {
  const { id = '' } = useParams();
  const api = useApi(crmApiRef);
  const crm = useCrmT();
  const { t, fieldLabel } = crm;
  const links = useCrmLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const userName = useUserNames();
  const departmentName = useDepartmentNames();
  const access = useCrmAccess();
  const data = useLoad(() => api.getContract(id), [api, id]);
  const canUpdate = usePermission({ permission: crmContractUpdatePermission, resourceRef: id });
  const canDelete = usePermission({ permission: crmContractDeletePermission, resourceRef: id });
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState<Confirming>();
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [revision, setRevision] = useState(0);

  if (data.loading && !data.value) return <LoadingState />;
  if (data.error && !data.value) return <ErrorState error={data.error} onRetry={data.retry} />;
  const contract = data.value as Contract;
  const live = !contract.deletedAt;
  const editable = live && canUpdate.allowed && CONTRACT_EDITABLE_STATUSES.includes(contract.status);
  const submittable = live && canUpdate.allowed && CONTRACT_SUBMITTABLE_STATUSES.includes(contract.status);
  const resubmittable = live && canUpdate.allowed && contract.status === 'returned';
  const deletable = live && canDelete.allowed && CONTRACT_DELETABLE_STATUSES.includes(contract.status);
  const showAttachments = !access.isHidden('contract', 'attachments');
  const attachmentsWritable = editable && !access.isReadOnly('contract', 'attachments');

  const open = (which: Confirming) => {
    setActionError(undefined);
    setConfirming(which);
  };

  const run = async () => {
    setBusy(true);
    setActionError(undefined);
    try {
      if (confirming === 'delete') {
        await api.deleteContract(contract.id, contract.version);
        setConfirming(undefined);
        notify({
          message: t('contract.deletedWithUndo', { name: contract.name }),
          action: {
            label: t('common.undo'),
            onClick: () => {
              api.restoreContract(contract.id).then(
                () => navigate(links.contract(contract.id)),
                e => notify({ message: (e as Error).message, severity: 'error' }),
              );
            },
          },
        });
        navigate(links.contracts);
        return;
      }
      const updated =
        confirming === 'submit' ? await api.submitContract(contract.id, contract.version) : await api.resubmitContract(contract.id, contract.version);
      data.setValue(updated);
      setRevision(r => r + 1);
      setConfirming(undefined);
      notify({ message: confirming === 'submit' ? t('contract.submitted') : t('contract.resubmitted') });
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const value = (field: keyof Contract): ReactNode => {
    if (field === 'customerName') {
      return (
        <Link component={RouterLink} to={`${links.customer(contract.customerId)}?tab=contracts`}>
          {contract.customerName}
        </Link>
      );
    }
    if (field === 'ownerDepartment') return departmentName(contract.ownerDepartment) || null;
    if (field === 'owner') return userName(contract.owner);
    return formatFieldValue(field, contract[field], { t: crm, userName }) || null;
  };

  const sections = SECTIONS.map(s => ({
    ...s,
    items: s.fields
      .filter(([f]) => !access.isHidden('contract', f))
      .map(([f, labelKey]) => ({ field: f, labelKey, node: value(f) }))
      .filter(i => i.node !== null && i.node !== ''),
  })).filter(s => s.items.length > 0);

  const confirmTexts = {
    submit: { title: t('contract.confirmSubmitTitle', { name: contract.name }), text: t('contract.confirmSubmitText'), label: t('contract.submit') },
    resubmit: { title: t('contract.confirmResubmitTitle', { name: contract.name }), text: t('contract.confirmResubmitText'), label: t('contract.resubmit') },
    delete: { title: t('common.confirmDelete', { name: contract.name }), text: t('common.confirmDeleteText'), label: t('common.delete') },
  };
  const confirm = confirming ? confirmTexts[confirming] : undefined;

  return (
    <Box data-testid="crm-contract-page">
      <Breadcrumbs sx={{ mb: 1 }}>
        <Link component={RouterLink} to={links.contracts}>
          {t('contract.listTitle')}
        </Link>
        <Link component={RouterLink} to={`${links.customer(contract.customerId)}?tab=contracts`}>
          {contract.customerName}
        </Link>
        <Typography color="text.primary">{contract.name}</Typography>
      </Breadcrumbs>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, flexWrap: 'wrap' }}>
          <Box sx={{ flex: 1, minWidth: 280 }}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
              <Typography variant="h5" component="h1" data-testid="crm-contract-name">
                {contract.name}
              </Typography>
              <ContractStatusChip status={contract.status} />
              {contract.deletedAt && <Chip size="small" color="error" label={t('common.deleted')} />}
            </Box>
            <Typography color="text.secondary" sx={{ mt: 0.5 }}>
              {fieldLabel('contractNumber')}: {contract.number} · {fieldLabel('owner')}: {userName(contract.owner)}
            </Typography>
          </Box>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            {submittable && (
              <Button variant="contained" startIcon={<SendIcon />} onClick={() => open('submit')} data-testid="crm-contract-submit-approval">
                {t('contract.submit')}
              </Button>
            )}
            {resubmittable && (
              <Button variant="contained" startIcon={<SendIcon />} onClick={() => open('resubmit')} data-testid="crm-contract-resubmit">
                {t('contract.resubmit')}
              </Button>
            )}
            {editable && (
              <Button variant="outlined" startIcon={<EditIcon />} onClick={() => setEditing(true)} data-testid="crm-edit-contract">
                {t('common.edit')}
              </Button>
            )}
            {deletable && (
              <Button variant="outlined" color="error" startIcon={<DeleteIcon />} onClick={() => open('delete')} data-testid="crm-delete-contract">
                {t('common.delete')}
              </Button>
            )}
          </Box>
        </Box>
        {contract.status === 'in_approval' && (
          <Alert severity="info" sx={{ mt: 2 }} data-testid="crm-contract-locked">
            {t('contract.lockedInApproval')}
          </Alert>
        )}
        {contract.status === 'approved' && (
          <Alert severity="success" sx={{ mt: 2 }} data-testid="crm-contract-locked">
            {t('contract.lockedApproved')}
          </Alert>
        )}
        {contract.status === 'returned' && (
          <Alert severity="warning" sx={{ mt: 2 }}>
            {t('contract.returnedNote')}
          </Alert>
        )}
      </Paper>
      {sections.map(s => (
        <Paper key={s.key} variant="outlined" sx={{ p: 2, mb: 2 }}>
          <Typography variant="subtitle1" sx={{ mb: 1.5, fontWeight: 600 }}>
            {t(`contract.section.${s.key}`)}
          </Typography>
          <Grid container spacing={2}>
            {s.items.map(i => (
              <Grid item key={i.field} xs={12} sm={WIDE.has(i.field) ? 12 : 6} md={WIDE.has(i.field) ? 12 : 4}>
                <Typography variant="caption" color="text.secondary" component="div">
                  {fieldLabel(i.labelKey)}
                </Typography>
                <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid={`crm-contract-value-${i.field}`}>
                  {i.node}
                </Typography>
              </Grid>
            ))}
          </Grid>
        </Paper>
      ))}
      {showAttachments && <ContractAttachments contract={contract} editable={attachmentsWritable} onChanged={data.retry} />}
      {contract.workflowInstanceId ? (
        <ApprovalHistory instanceId={contract.workflowInstanceId} revision={revision} />
      ) : (
        <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
          <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 0.5 }}>
            {t('contract.approval.title')}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t('contract.approval.none')}
          </Typography>
        </Paper>
      )}
      <ContractFormDialog
        open={editing}
        contract={contract}
        onClose={() => setEditing(false)}
        onReload={() => {
          setEditing(false);
          data.retry();
        }}
        onSaved={c => {
          setEditing(false);
          data.setValue(c);
          notify({ message: t('common.saved') });
        }}
      />
      <ConfirmDialog
        open={!!confirm}
        title={confirm?.title ?? ''}
        text={confirm?.text}
        confirmLabel={confirm?.label ?? ''}
        tone={confirming === 'delete' ? 'danger' : 'primary'}
        busy={busy}
        error={actionError}
        onClose={() => setConfirming(undefined)}
        onConfirm={run}
      />
    </Box>
  );
}
