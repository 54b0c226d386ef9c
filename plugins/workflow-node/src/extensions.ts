import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';

/**
 * How a plugin makes its documents approvable (合同, 报价, 订单, 退货, 费用报销, 借款 …):
 * a backend module of the workflow plugin registers the type, and the engine
 * needs nothing else — flows for the type are designed in the portal.
 */
export interface WorkflowDocumentTypesExtensionPoint {
  addDocumentTypes(...types: DocumentTypeSpec[]): void;
}

export const workflowDocumentTypesExtensionPoint = createExtensionPoint<WorkflowDocumentTypesExtensionPoint>({
  id: 'workflow.documentTypes',
});
