import { createBackendModule } from '@backstage/backend-plugin-api';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { workflowDocumentTypesExtensionPoint } from '@cocrm/plugin-workflow-node';
import { CONTRACT_DOCUMENT_TYPE } from './service/ContractApprovals';

/**
 * 合同 as the workflow plugin knows it: the fields of the snapshot the CRM
 * submits (ContractApprovals), which flows may test (合同类型 = 框架协议 …)
 * or take approvers from (负责人).
 */
export const CONTRACT_DOCUMENT_TYPE_SPEC: DocumentTypeSpec = {
  type: CONTRACT_DOCUMENT_TYPE,
  pluginId: 'crm',
  label: { 'zh-CN': '合同', en: 'Contract' },
  link: '/crm/contracts/{id}',
  fields: [
    { name: 'number', label: { 'zh-CN': '合同编号', en: 'Number' }, kind: 'string' },
    { name: 'contractType', label: { 'zh-CN': '合同类型', en: 'Contract type' }, kind: 'string' },
    { name: 'format', label: { 'zh-CN': '合同格式', en: 'Format' }, kind: 'string' },
    { name: 'customerName', label: { 'zh-CN': '客户', en: 'Customer' }, kind: 'string' },
    { name: 'owner', label: { 'zh-CN': '负责人', en: 'Owner' }, kind: 'user' },
    { name: 'signedAt', label: { 'zh-CN': '签订日期', en: 'Signed on' }, kind: 'date' },
    { name: 'startDate', label: { 'zh-CN': '开始日期', en: 'Start date' }, kind: 'date' },
    { name: 'endDate', label: { 'zh-CN': '结束日期', en: 'End date' }, kind: 'date' },
    { name: 'paymentTerms', label: { 'zh-CN': '付款约定', en: 'Payment terms' }, kind: 'string' },
    { name: 'standard', label: { 'zh-CN': '合同遵循标准', en: 'Applicable standard' }, kind: 'string' },
    { name: 'keyTerms', label: { 'zh-CN': '合同中重要事项', en: 'Key terms' }, kind: 'string' },
    { name: 'remark', label: { 'zh-CN': '备注', en: 'Remark' }, kind: 'string' },
  ],
};

/** Registers 合同 (`crm.contract`) with the workflow plugin; add it to the backend next to both plugins. */
export const workflowModuleCrm = createBackendModule({
  pluginId: 'workflow',
  moduleId: 'crm-contracts',
  register(reg) {
    reg.registerInit({
      deps: { documentTypes: workflowDocumentTypesExtensionPoint },
      async init({ documentTypes }) {
        documentTypes.addDocumentTypes(CONTRACT_DOCUMENT_TYPE_SPEC);
      },
    });
  },
});
