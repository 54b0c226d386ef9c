import Chip from '@mui/material/Chip';
import type { ContractStatus } from '@cocrm/plugin-crm-common';
import { useCrmT } from '../common/i18n';

const COLORS: Record<ContractStatus, 'default' | 'info' | 'warning' | 'success' | 'error'> = {
  draft: 'default',
  in_approval: 'info',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

/** 审批状态 as a chip: 草稿 / 审批中 / 已退回 / 已通过 / 已驳回 / 已撤销. */
export function ContractStatusChip({ status }: { status: ContractStatus }) {
  const { enumLabel } = useCrmT();
  return (
    <Chip
      size="small"
      color={COLORS[status] ?? 'default'}
      variant={status === 'withdrawn' ? 'outlined' : 'filled'}
      label={enumLabel('contractStatus', status)}
      data-testid="crm-contract-status"
    />
  );
}
