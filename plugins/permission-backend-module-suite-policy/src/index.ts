/**
 * The suite's permission policy for Backstage's permission backend.
 *
 * @packageDocumentation
 */
export { permissionModuleSuitePolicy as default } from './module';
export { SuitePermissionPolicy } from './SuitePermissionPolicy';
export type { AccessSource } from './SuitePermissionPolicy';
