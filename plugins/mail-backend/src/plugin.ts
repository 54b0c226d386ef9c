import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createMail } from './createMail';
import { composeOf } from './compose';
import { createRouter } from './router';
import { PasswordCipher } from './service/PasswordCipher';
import { registerMailPermissions } from './permissions/register';
import { scheduleMailTasks } from './service/scheduleMailTasks';

/**
 * The mail backend plugin (邮件): mailboxes synced exactly once, routed into
 * customer records through the CRM's API, the webmail API and sending.
 */
export const mailPlugin = createBackendPlugin({
  pluginId: 'mail',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
      },
      async init({ logger, config, database, httpAuth, httpRouter, permissions, permissionsRegistry, scheduler, auth, discovery, lifecycle, catalog, auditor }) {
        // before touching the database: without a key we must not accept passwords at all
        const cipher = PasswordCipher.fromConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({ directory: resolvePackagePath('@cocrm/plugin-mail-backend', 'migrations') });
        }
        registerMailPermissions(permissionsRegistry, knex);
        const mail = createMail({ knex, cipher, logger, config, auth, discovery, catalog, permissions });
        httpRouter.use(await createRouter({ mail, httpAuth, permissions, auditor }));
        await scheduleMailTasks({ mail, scheduler, logger, lifecycle });
        // a send in flight finishes (and is recorded) before the process exits, instead of reading 'uncertain' later
        lifecycle.addShutdownHook(() => composeOf(mail)?.outbox.settle());
      },
    });
  },
});
