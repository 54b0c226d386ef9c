export { workflowPlugin as default } from './plugin';
export { createWorkflow } from './createWorkflow';
export type { Workflow } from './createWorkflow';
export { ApprovalEngine } from './service/ApprovalEngine';
export type { ReturnTarget, ResubmitChanges } from './service/ApprovalEngine';
export type { RoleMembers, OrgSource } from './service/RoutePlanner';
export type { DocumentTypeRegistry } from './service/FlowService';
export { WorkflowError } from './errors';
export { accessModuleWorkflow } from './accessModule';
