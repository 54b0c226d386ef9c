/**
 * 系统设置 frontend plugin (new frontend system): roles with their grant
 * matrix and field rules, direct grants, "what can this person see?", work
 * handover and the suite's audit log.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { accessApi, accessPage } from './plugin';
export { accessTranslationRef, accessTranslationResource } from './translation';
export { AccessClient, AccessApiError, accessApiRef, AUDIT_SOURCES } from './api/AccessClient';
export type { AccessApi, AccessClientOptions, AccessErrorBody, AuditSource, AuditQueryInput } from './api/AccessClient';
export { rootRouteRef as accessRootRouteRef } from './routes';
export { useAccessNavTitle } from './components/common/navTitle';
