import { ResourceModel, permissionsOf } from '@cocrm/plugin-access-common';
import type { BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';

/** 审批流程 (definitions): admins design and publish them; everyone may read them to see where a document goes. */
export const WORKFLOW_FLOW_MODEL: ResourceModel = {
  pluginId: 'workflow',
  resourceType: 'workflow-flow',
  permissionPrefix: 'workflow.flow',
  label: { 'zh-CN': '审批流程', en: 'Approval flows' },
  actions: ['read', 'create', 'update', 'delete'],
  scoped: false,
  fields: [],
  defaults: {
    grants: [
      ...(['read', 'create', 'update', 'delete'] as const).map(action => ({ role: 'admin' as const, action, scope: 'all' as const })),
      { role: 'general-manager', action: 'read', scope: 'all' },
    ],
  },
};

/**
 * 审批单 (instances) beyond one's own participation: participants (applicant,
 * approvers, CC recipients) always see theirs; this grants reading others'
 * by data scope (applicant = owner, document department = department).
 */
export const WORKFLOW_INSTANCE_MODEL: ResourceModel = {
  pluginId: 'workflow',
  resourceType: 'workflow-instance',
  permissionPrefix: 'workflow.instance',
  label: { 'zh-CN': '审批单', en: 'Approvals' },
  actions: ['read', 'export'],
  scoped: true,
  fields: [],
  defaults: {
    grants: [
      { role: 'admin', action: 'read', scope: 'all' },
      { role: 'general-manager', action: 'read', scope: 'all' },
      { role: 'sales-manager', action: 'read', scope: 'subtree' },
    ],
  },
};

/** 审批报表 (time to view / decide, SLA breaches, open tasks per flow, node, approver): for management. */
export const WORKFLOW_REPORT_MODEL: ResourceModel = {
  pluginId: 'workflow',
  resourceType: 'workflow-report',
  permissionPrefix: 'workflow.report',
  label: { 'zh-CN': '审批报表', en: 'Approval reports' },
  actions: ['read'],
  scoped: false,
  fields: [],
  defaults: {
    grants: [
      { role: 'admin', action: 'read', scope: 'all' },
      { role: 'general-manager', action: 'read', scope: 'all' },
    ],
  },
};

export const WORKFLOW_MODELS: ResourceModel[] = [WORKFLOW_FLOW_MODEL, WORKFLOW_INSTANCE_MODEL, WORKFLOW_REPORT_MODEL];

export const workflowPermissions = WORKFLOW_MODELS.flatMap(permissionsOf);

const find = (name: string) => {
  const p = workflowPermissions.find(x => x.name === name);
  if (!p) throw new Error(`workflow permission ${name} is not declared`);
  return p;
};

export const workflowFlowReadPermission = find('workflow.flow.read') as BasicPermission;
export const workflowFlowCreatePermission = find('workflow.flow.create') as BasicPermission;
export const workflowFlowUpdatePermission = find('workflow.flow.update') as BasicPermission;
export const workflowFlowDeletePermission = find('workflow.flow.delete') as BasicPermission;
export const workflowInstanceReadPermission = find('workflow.instance.read') as ResourcePermission<'workflow-instance'>;
export const workflowInstanceExportPermission = find('workflow.instance.export') as ResourcePermission<'workflow-instance'>;
export const workflowReportReadPermission = find('workflow.report.read') as BasicPermission;
