/**
 * Annotations through which the suite reads what Backstage's org model has no field for.
 * The values are a contract with every consumer of the catalog (and with examples/org.yaml):
 * never change them.
 */

/** On a Group: the department leader, as a user entity ref (`user:default/zhaoqiang`). @public */
export const COCRM_LEADER_ANNOTATION = 'cocrm.io/leader';

/** On a User: the direct supervisor, as a user entity ref. @public */
export const COCRM_SUPERVISOR_ANNOTATION = 'cocrm.io/supervisor';

/** On a User: comma-separated role ids of the suite. @public */
export const COCRM_ROLES_ANNOTATION = 'cocrm.io/roles';

/** On a User: the job title. @public */
export const COCRM_TITLE_ANNOTATION = 'cocrm.io/title';
