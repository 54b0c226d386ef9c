/**
 * 系统设置 backend plugin: roles, grants, field rules, effective permissions,
 * work handover and the audit viewer.
 *
 * @packageDocumentation
 */
export { accessPlugin as default } from './plugin';
export { compileAccess, explainAccess } from './service/compileAccess';
export type { AccessData, AccessRoleData, AccessMemberData, AccessDirectGrantData, CompileInput } from './service/compileAccess';
export type { AccessErrorBody } from './errors';
export type { DirectGrantView } from './database/GrantStore';
