/**
 * Org ingestion for the suite: LDAP and Microsoft Graph transformers that fill department
 * leaders, supervisors and titles in the catalog.
 *
 * @packageDocumentation
 */

export { cocrmOrgFeatureLoader as default } from './loader';
export { catalogModuleCocrmOrgLdap } from './ldap/module';
export { catalogModuleCocrmOrgMsGraph } from './msgraph/module';
export {
  COCRM_LEADER_ANNOTATION,
  COCRM_ROLES_ANNOTATION,
  COCRM_SUPERVISOR_ANNOTATION,
  COCRM_TITLE_ANNOTATION,
} from './annotations';
export {
  DEFAULT_COCRM_LDAP_ATTRIBUTES,
  createCocrmLdapTransformers,
  readCocrmLdapAttributes,
} from './ldap/transformers';
export type {
  CocrmLdapAttributes,
  CocrmLdapTransformers,
  CocrmLdapTransformersOptions,
} from './ldap/transformers';
export {
  createCocrmMsGraphTransformers,
  readCocrmMsGraphOptions,
} from './msgraph/transformers';
export type {
  CocrmMsGraphOptions,
  CocrmMsGraphTransformers,
} from './msgraph/transformers';
