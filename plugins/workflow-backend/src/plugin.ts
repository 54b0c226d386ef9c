import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { AccessClient, OrgDirectory } from '@cocrm/plugin-access-node';
import { suiteMailServiceRef } from '@cocrm/plugin-mail-node';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { workflowDocumentTypesExtensionPoint } from '@cocrm/plugin-workflow-node';
import { createWorkflow } from './createWorkflow';
import { createRouter } from './router';
import { seedDemoFlows } from './demo/seedDemoFlows';
import { catalogEmails } from './mail/people';
import { instancePath } from './outbox/deliveries';
import { createDocumentTypesRouter } from './routes/documentTypes';
import { MAIL_ACTIONS_PATH, createMailApprovalRouter } from './routes/mailApproval';
import { addDocumentTypes } from './service/documentTypes';
import { registerWorkflowPermissions } from './service/InstanceAccess';
import type { RoleMembers } from './service/RoutePlanner';

/**
 * The workflow backend plugin (审批): the engine, its HTTP API, the document
 * types other plugins register through workflow-node, and the delivery of
 * what transitions cause (notifications, signals, events, approval mails)
 * through the outbox.
 */
export const workflowPlugin = createBackendPlugin({
  pluginId: 'workflow',
  register(env) {
    const documentTypes = new Map<string, DocumentTypeSpec>();
    env.registerExtensionPoint(workflowDocumentTypesExtensionPoint, {
      addDocumentTypes(...types) {
        addDocumentTypes(documentTypes, types);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        mail: suiteMailServiceRef,
      },
      async init(deps) {
        const { logger, config, database, auth, httpAuth, httpRouter, permissions, scheduler, lifecycle, catalog, discovery } = deps;
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({ directory: resolvePackagePath('@cocrm/plugin-workflow-backend', 'migrations') });
        }
        // roles (and who holds them) belong to the access plugin
        const access = new AccessClient({ discovery, auth, logger });
        const roles: RoleMembers = { usersWithRole: role => access.roleHolders(role) };
        const org = new OrgDirectory(catalog, auth, logger);
        const appBaseUrl = (config.getOptionalString('app.baseUrl') ?? '').replace(/\/+$/, '');
        const mailApproval = config.getOptionalConfig('workflow.mailApproval');

        const workflow = createWorkflow({
          knex,
          org,
          roles,
          documentTypes,
          delivery: {
            logger,
            notifications: deps.notifications,
            signals: deps.signals,
            events: deps.events,
            mail: mailApproval?.getOptionalBoolean('enabled') === false ? undefined : deps.mail,
            email: catalogEmails(catalog, auth),
            links: {
              portal: id => `${appBaseUrl}${instancePath(id)}`,
              action: async token => `${await discovery.getExternalBaseUrl('workflow')}${MAIL_ACTIONS_PATH}/${token}`,
            },
            mailTtlHours: mailApproval?.getOptionalNumber('ttlHours') ?? 72,
          },
        });

        // the link in the mail is the credential; what it may do is checked against the token
        httpRouter.addAuthPolicy({ path: MAIL_ACTIONS_PATH, allow: 'unauthenticated' });
        httpRouter.use(createMailApprovalRouter({ approvals: workflow.mailApproval }));
        httpRouter.use(createDocumentTypesRouter({ documentTypes, httpAuth }));
        registerWorkflowPermissions(deps.permissionsRegistry, knex);
        httpRouter.use(await createRouter({ workflow, httpAuth, permissions }));

        // 审批时限: reminders, escalation and automatic decisions, once across replicas
        await scheduler.scheduleTask({
          id: 'workflow-deadlines',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          fn: async () => {
            const run = await workflow.deadlines.run();
            const acted = run.reminded + run.remindedAtDeadline + run.escalated + run.autoApproved + run.autoRejected;
            if (acted) logger.info(`workflow deadlines: ${JSON.stringify({ ...run, failed: run.failed.length })}`);
            for (const f of run.failed) logger.error(`workflow deadline of task ${f.taskId} failed: ${f.error}`);
          },
        });

        // deliveries that failed right after their commit, or were cut off by a stopping replica
        const dispatcher = workflow.outbox.dispatcher!;
        await scheduler.scheduleTask({
          id: 'workflow-outbox-sweep',
          scope: 'global',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 10 },
          fn: async () => {
            await dispatcher.sweep();
          },
        });
        lifecycle.addShutdownHook(() => dispatcher.flush());

        const demoFlows = config.getOptionalString('workflow.demoFlows.file');
        if (demoFlows) {
          await seedDemoFlows({ file: demoFlows, flows: workflow.flows, logger }).catch(e => logger.error(`workflow demo flows not published: ${e}`));
        }
      },
    });
  },
});
