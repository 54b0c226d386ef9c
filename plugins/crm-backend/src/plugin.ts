import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  crmContactCreatePermission,
  crmContactDeletePermission,
  crmContactReadPermission,
  crmContactUpdatePermission,
  crmCustomerCreatePermission,
  crmCustomerDeletePermission,
  crmCustomerReadPermission,
  crmCustomerUpdatePermission,
  crmVisitCreatePermission,
  crmVisitDeletePermission,
  crmVisitReadPermission,
  crmVisitUpdatePermission,
} from '@cocrm/plugin-crm-common';
import { createRouter } from './router';
import { crmTimelineExtensionPoint } from './extensions';
import {
  contactResourceRef,
  contactRules,
  customerResourceRef,
  customerRules,
  visitResourceRef,
  visitRules,
} from './permissions/rules';
import { CustomerStore } from './database/CustomerStore';
import { ContactStore } from './database/ContactStore';
import { RelationStore } from './database/RelationStore';
import { VisitStore } from './database/VisitStore';
import { Access } from './service/Access';
import { UserDirectory } from './service/UserDirectory';
import { CustomerService } from './service/CustomerService';
import { ContactService } from './service/ContactService';
import { RelationService } from './service/RelationService';
import { VisitService } from './service/VisitService';
import { CrmTimelineSource, TimelineService, auditSource, visitSource } from './service/TimelineService';
import { GraphService } from './service/GraphService';
import { seedDemoData } from './demo/seedDemoData';

/**
 * The CRM backend plugin: customers, contacts, relations, visits and the
 * customer timeline, stored in the plugin's own database.
 */
export const crmPlugin = createBackendPlugin({
  pluginId: 'crm',
  register(env) {
    const extraSources: CrmTimelineSource[] = [];
    env.registerExtensionPoint(crmTimelineExtensionPoint, {
      addSource: source => {
        extraSources.push(source);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init({ config, logger, database, httpRouter, httpAuth, auth, auditor, permissions, permissionsRegistry, scheduler, catalog }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({
            directory: resolvePackagePath('@cocrm/plugin-crm-backend', 'migrations'),
          });
        }

        const customerStore = new CustomerStore(knex);
        const contactStore = new ContactStore(knex);
        const relationStore = new RelationStore(knex);
        const visitStore = new VisitStore(knex);

        const accountManagersOf = async (customerIds: string[]) => {
          const map = await customerStore.managersOf(customerIds);
          return (id: string) => map.get(id) ?? [];
        };
        permissionsRegistry.addResourceType({
          resourceRef: customerResourceRef,
          permissions: [crmCustomerReadPermission, crmCustomerUpdatePermission, crmCustomerDeletePermission],
          rules: customerRules,
          getResources: async ids => {
            const managers = await accountManagersOf(ids);
            const found = new Set((await knex('crm_customers').whereIn('id', ids).select('id')).map((r: { id: string }) => r.id));
            return ids.map(id => (found.has(id) ? { id, accountManagers: managers(id) } : undefined));
          },
        });
        const childResources = (table: string) => async (ids: string[]) => {
          const rows: Array<{ id: string; customer_id: string }> = await knex(table).whereIn('id', ids).select('id', 'customer_id');
          const managers = await accountManagersOf(rows.map(r => r.customer_id));
          const byId = new Map(rows.map(r => [r.id, r.customer_id]));
          return ids.map(id => (byId.has(id) ? { id, accountManagers: managers(byId.get(id)!) } : undefined));
        };
        permissionsRegistry.addResourceType({
          resourceRef: contactResourceRef,
          permissions: [crmContactReadPermission, crmContactUpdatePermission, crmContactDeletePermission],
          rules: contactRules,
          getResources: childResources('crm_contacts'),
        });
        permissionsRegistry.addResourceType({
          resourceRef: visitResourceRef,
          permissions: [crmVisitReadPermission, crmVisitUpdatePermission, crmVisitDeletePermission],
          rules: visitRules,
          getResources: childResources('crm_visits'),
        });
        permissionsRegistry.addPermissions([crmCustomerCreatePermission, crmContactCreatePermission, crmVisitCreatePermission]);

        const access = new Access(permissions, permissionsRegistry);
        const users = new UserDirectory(catalog, auth);
        const customers = new CustomerService(knex, customerStore, access, users);
        const contacts = new ContactService(knex, contactStore, customerStore, access);
        const relations = new RelationService(knex, relationStore, contactStore, access);
        const visits = new VisitService(knex, visitStore, customerStore, contactStore, access, users);
        const timeline = new TimelineService(customerStore, access, [auditSource(knex), visitSource(visitStore, access), ...extraSources]);
        const graph = new GraphService(customerStore, contactStore, relationStore, access);

        httpRouter.use(createRouter({ httpAuth, auditor, customers, contacts, relations, visits, timeline, graph }));

        const demoFile = config.getOptionalString('crm.demoData.file');
        if (demoFile) {
          await scheduler.scheduleTask({
            id: 'crm-demo-data',
            scope: 'global',
            frequency: { seconds: 15 },
            timeout: { minutes: 5 },
            fn: async () => {
              await seedDemoData({ knex, file: demoFile, auth, logger, users, customers, contacts, relations, visits });
            },
          });
        }
      },
    });
  },
});
