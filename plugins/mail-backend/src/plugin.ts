import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { createMail } from './createMail';
import { createRouter } from './router';
import { PasswordCipher } from './service/PasswordCipher';

/**
 * The mail backend plugin (邮件): the sync core and a small account API.
 * Not yet here (issue 5, next sessions): the scheduler task (global scope)
 * calling `sync.syncAccount`, permission rules (permissionsRegistry),
 * routing into customer records, Microsoft 365, SMTP and the webmail.
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
      },
      async init({ logger, config, database, httpAuth, httpRouter, permissions }) {
        // before touching the database: without a key we must not accept passwords at all
        const cipher = PasswordCipher.fromConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({ directory: resolvePackagePath('@cocrm/plugin-mail-backend', 'migrations') });
        }
        const mail = createMail({ knex, cipher, logger });
        httpRouter.use(await createRouter({ mail, httpAuth, permissions }));
      },
    });
  },
});
