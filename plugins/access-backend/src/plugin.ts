import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { accessPermissions } from '@cocrm/plugin-access-common';
import {
  HandoverProvider,
  OrgDirectory,
  accessHandoverExtensionPoint,
  accessModelExtensionPoint,
} from '@cocrm/plugin-access-node';
import { createRouter } from './router';
import { AuditStore } from './database/AuditStore';
import { GrantStore } from './database/GrantStore';
import { HandoverStore } from './database/HandoverStore';
import { RoleStore } from './database/RoleStore';
import { AccessDataCache } from './service/AccessDataCache';
import { AuditService } from './service/AuditService';
import { GrantService } from './service/GrantService';
import { Guard } from './service/Guard';
import { HandoverService } from './service/HandoverService';
import { ModelRegistry } from './service/ModelRegistry';
import { RoleService } from './service/RoleService';
import { UserAccessService } from './service/UserAccessService';
import { seedAccess } from './service/seedAccess';

/**
 * 系统设置 backend: roles, grants and field rules, each user's compiled and
 * explained access, 工作移交 across plugins, and the access audit log.
 */
export const accessPlugin = createBackendPlugin({
  pluginId: 'access',
  register(env) {
    const models = new ModelRegistry();
    const providers: HandoverProvider[] = [];
    env.registerExtensionPoint(accessModelExtensionPoint, {
      addResourceModels: (...added) => models.add(...added),
    });
    env.registerExtensionPoint(accessHandoverExtensionPoint, {
      addProvider: provider => {
        providers.push(provider);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({ logger, database, httpRouter, httpAuth, auth, auditor, permissions, permissionsRegistry, catalog }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({ directory: resolvePackagePath('@cocrm/plugin-access-backend', 'migrations') });
        }
        await seedAccess(knex, models.all(), logger);
        permissionsRegistry.addPermissions(accessPermissions);

        const org = new OrgDirectory(catalog, auth, logger);
        const guard = new Guard(permissions);
        const roleStore = new RoleStore(knex);
        const grantStore = new GrantStore(knex);
        const cache = new AccessDataCache(roleStore, grantStore);
        const users = new UserAccessService(models, org, cache, guard);

        httpRouter.use(
          createRouter({
            httpAuth,
            auditor,
            roles: new RoleService(knex, roleStore, models, org, guard, cache),
            grants: new GrantService(knex, grantStore, models, org, guard, cache),
            users,
            handovers: new HandoverService(knex, new HandoverStore(knex), providers, org, models, users, guard, logger),
            audit: new AuditService(new AuditStore(knex), guard, org),
          }),
        );
      },
    });
  },
});
