import type { Label } from '@cocrm/plugin-access-common';
import type { ContractFormat, ContractStatus, ContractType } from '../types';

/*
 * Names of the contract dictionaries where the backend needs them (Excel
 * export, the snapshot an approver reads). The UI has the same names in its
 * translation files.
 */

export const CONTRACT_TYPE_LABELS: Record<ContractType, Label> = {
  sales: { 'zh-CN': '销售合同', en: 'Sales contract' },
  service: { 'zh-CN': '服务合同', en: 'Service contract' },
  framework: { 'zh-CN': '框架协议', en: 'Framework agreement' },
  purchase: { 'zh-CN': '采购合同', en: 'Purchase contract' },
  other: { 'zh-CN': '其他', en: 'Other' },
};

export const CONTRACT_FORMAT_LABELS: Record<ContractFormat, Label> = {
  standard: { 'zh-CN': '标准合同', en: 'Standard' },
  'non-standard': { 'zh-CN': '非标准合同', en: 'Non-standard' },
};

export const CONTRACT_STATUS_LABELS: Record<ContractStatus, Label> = {
  draft: { 'zh-CN': '草稿', en: 'Draft' },
  in_approval: { 'zh-CN': '审批中', en: 'In approval' },
  returned: { 'zh-CN': '已退回', en: 'Returned' },
  approved: { 'zh-CN': '已通过', en: 'Approved' },
  rejected: { 'zh-CN': '已驳回', en: 'Rejected' },
  withdrawn: { 'zh-CN': '已撤销', en: 'Withdrawn' },
};
