import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AccessClient, OrgDirectory } from '@cocrm/plugin-access-node';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { createWorkflow } from './createWorkflow';
import { createRouter } from './router';
import type { RoleMembers } from './service/RoutePlanner';

/**
 * The workflow backend plugin (审批): the engine and its HTTP API. Not yet
 * here (issue 4, next sessions): the workflow-node extension point through
 * which plugins register document types, notifications/signals/mail, time
 * limits on the scheduler.
 */
export const workflowPlugin = createBackendPlugin({
  pluginId: 'workflow',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
      },
      async init({ logger, database, auth, httpAuth, httpRouter, permissions, catalog, discovery }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({ directory: resolvePackagePath('@cocrm/plugin-workflow-backend', 'migrations') });
        }
        // filled by workflow-node's extension point once it exists; unregistered types skip field checks
        const documentTypes = new Map<string, DocumentTypeSpec>();
        // roles (and who holds them) belong to the access plugin
        const access = new AccessClient({ discovery, auth, logger });
        const roles: RoleMembers = { usersWithRole: role => access.roleHolders(role) };
        const workflow = createWorkflow({ knex, org: new OrgDirectory(catalog, auth, logger), roles, documentTypes });
        httpRouter.use(await createRouter({ workflow, httpAuth, permissions }));
      },
    });
  },
});
