import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { WORKFLOW_EVENTS_TOPIC, WorkflowClient } from '@cocrm/plugin-workflow-node';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import { crmPermissions } from '@cocrm/plugin-crm-common';
import { AccessClient, OrgDirectory } from '@cocrm/plugin-access-node';
import { createRouter } from './router';
import { crmTimelineExtensionPoint } from './extensions';
import {
  contactResourceRef,
  contactRules,
  contractResourceRef,
  contractRules,
  customerResourceRef,
  customerRules,
  visitResourceRef,
  visitRules,
} from './permissions/rules';
import { CustomerStore } from './database/CustomerStore';
import { ContactStore } from './database/ContactStore';
import { RelationStore } from './database/RelationStore';
import { VisitStore } from './database/VisitStore';
import { ContractStore } from './database/ContractStore';
import { AttachmentStore } from './database/AttachmentStore';
import { MailLookupStore } from './database/MailLookupStore';
import { MailRoutingService } from './service/MailRoutingService';
import { Access } from './service/Access';
import { UserDirectory } from './service/UserDirectory';
import { CustomerService } from './service/CustomerService';
import { ContactService } from './service/ContactService';
import { RelationService } from './service/RelationService';
import { VisitService } from './service/VisitService';
import { CrmTimelineSource, TimelineService, auditSource, contractSource, visitSource } from './service/TimelineService';
import { ContractService } from './service/ContractService';
import { ContractApprovals } from './service/ContractApprovals';
import { GraphService } from './service/GraphService';
import { FieldRules } from './service/FieldRules';
import { ExportService } from './service/ExportService';
import { AuditService } from './service/AuditService';
import { HandoverService } from './service/HandoverService';
import { backfillOwnerDepartments } from './service/backfillOwnerDepartments';
import { seedDemoData } from './demo/seedDemoData';

/**
 * The CRM backend plugin: customers, contacts, relations, visits, contracts
 * (approved through the workflow plugin) and the customer timeline, stored in
 * the plugin's own database.
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
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init({ config, logger, database, httpRouter, httpAuth, auth, auditor, permissions, permissionsRegistry, scheduler, catalog, discovery, lifecycle, events }) {
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
        const contractStore = new ContractStore(knex);
        const attachmentStore = new AttachmentStore(knex);

        /** The scope facts of customers (account managers, 归属部门), for rules applied in memory. */
        const scopeOf = async (customerIds: string[]) => {
          const managers = await customerStore.managersOf(customerIds);
          const rows: Array<{ id: string; owner_department: string | null }> = customerIds.length
            ? await knex('crm_customers').whereIn('id', customerIds).select('id', 'owner_department')
            : [];
          const departments = new Map(rows.map(r => [r.id, r.owner_department]));
          return (id: string) =>
            departments.has(id) ? { owners: managers.get(id) ?? [], ownerDepartment: departments.get(id) ?? null } : undefined;
        };
        const ofType = (resourceType: string) => crmPermissions.filter(p => isResourcePermission(p) && p.resourceType === resourceType);
        permissionsRegistry.addResourceType({
          resourceRef: customerResourceRef,
          permissions: ofType(customerResourceRef.resourceType),
          rules: customerRules,
          getResources: async ids => {
            const scope = await scopeOf(ids);
            return ids.map(id => {
              const s = scope(id);
              return s ? { id, ...s } : undefined;
            });
          },
        });
        const childResources = (table: string) => async (ids: string[]) => {
          const rows: Array<{ id: string; customer_id: string }> = await knex(table).whereIn('id', ids).select('id', 'customer_id');
          const scope = await scopeOf(rows.map(r => r.customer_id));
          const byId = new Map(rows.map(r => [r.id, r.customer_id]));
          return ids.map(id => {
            const s = byId.has(id) ? scope(byId.get(id)!) : undefined;
            return s ? { id, ...s } : undefined;
          });
        };
        permissionsRegistry.addResourceType({
          resourceRef: contactResourceRef,
          permissions: ofType(contactResourceRef.resourceType),
          rules: contactRules,
          getResources: childResources('crm_contacts'),
        });
        permissionsRegistry.addResourceType({
          resourceRef: visitResourceRef,
          permissions: ofType(visitResourceRef.resourceType),
          rules: visitRules,
          getResources: childResources('crm_visits'),
        });
        // a contract's scope is its own 负责人 and 归属部门
        permissionsRegistry.addResourceType({
          resourceRef: contractResourceRef,
          permissions: ofType(contractResourceRef.resourceType),
          rules: contractRules,
          getResources: async ids => {
            const rows: Array<{ id: string; owner_ref: string; owner_department: string | null }> = ids.length
              ? await knex('crm_contracts').whereIn('id', ids).select('id', 'owner_ref', 'owner_department')
              : [];
            const byId = new Map(rows.map(r => [r.id, r]));
            return ids.map(id => {
              const r = byId.get(id);
              return r ? { id, owners: [r.owner_ref], ownerDepartment: r.owner_department ?? null } : undefined;
            });
          },
        });
        permissionsRegistry.addPermissions(crmPermissions.filter(p => !isResourcePermission(p)));

        const access = new Access(permissions, permissionsRegistry);
        const users = new UserDirectory(catalog, auth);
        const org = new OrgDirectory(catalog, auth, logger);
        const fieldRules = new FieldRules(new AccessClient({ discovery, auth, logger }));
        const customers = new CustomerService(knex, customerStore, access, users, fieldRules, org);
        const contacts = new ContactService(knex, contactStore, customerStore, access, fieldRules);
        const relations = new RelationService(knex, relationStore, contactStore, access);
        const visits = new VisitService(knex, visitStore, customerStore, contactStore, access, users, fieldRules);
        const contracts = new ContractService(knex, contractStore, customerStore, attachmentStore, access, users, fieldRules, org);
        const approvals = new ContractApprovals({ knex, store: contractStore, contracts, workflow: new WorkflowClient({ discovery, auth }), logger });
        const timeline = new TimelineService(customerStore, access, [
          auditSource(knex, fieldRules),
          visitSource(visitStore, access, fieldRules),
          contractSource(knex, access, fieldRules),
          ...extraSources,
        ]);
        const graph = new GraphService(customerStore, contactStore, relationStore, access, fieldRules);
        const displayNames = async () => {
          const snapshot = await org.snapshot();
          return new Map<string, string>([
            ...[...snapshot.users.values()].map(u => [u.ref, u.displayName] as [string, string]),
            ...[...snapshot.departments.values()].map(d => [d.ref, d.displayName] as [string, string]),
          ]);
        };
        const exports = new ExportService(customers, contacts, visits, contracts, displayNames);
        const audit = new AuditService(knex, access, fieldRules, displayNames);
        const handover = new HandoverService(knex);
        const mailRouting = new MailRoutingService(new MailLookupStore(knex));

        httpRouter.use(
          createRouter({ httpAuth, auditor, customers, contacts, relations, visits, timeline, graph, exports, audit, handover, fieldRules, contracts, approvals, mailRouting }),
        );

        // 合同审批: outcomes as they happen, and recovery of whatever was missed (at start, then every few minutes)
        await events.subscribe({
          id: 'crm-contract-approvals',
          topics: [WORKFLOW_EVENTS_TOPIC],
          onEvent: async ({ eventPayload }) => {
            await approvals.onEvent(eventPayload);
          },
        });
        const reconcile = async () => {
          try {
            await approvals.reconcile();
          } catch (e) {
            logger.warn(`contract approval recovery failed: ${(e as Error).message}`);
          }
        };
        lifecycle.addStartupHook(() => {
          // not awaited: the workflow plugin may answer only once the whole backend is up
          void reconcile();
        });
        await scheduler.scheduleTask({
          id: 'crm-contract-approval-recovery',
          scope: 'global',
          frequency: { minutes: 5 },
          timeout: { minutes: 4 },
          initialDelay: { minutes: 1 },
          fn: reconcile,
        });

        // customers from before 归属部门 existed get their first manager's department, once the org is known
        await scheduler.scheduleTask({
          id: 'crm-owner-department-backfill',
          scope: 'global',
          frequency: { minutes: 10 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 20 },
          fn: async () => {
            await backfillOwnerDepartments({ knex, org, logger });
          },
        });

        const demoFile = config.getOptionalString('crm.demoData.file');
        if (demoFile) {
          await scheduler.scheduleTask({
            id: 'crm-demo-data',
            scope: 'global',
            frequency: { seconds: 15 },
            timeout: { minutes: 5 },
            fn: async () => {
              await seedDemoData({ knex, file: demoFile, auth, logger, users, customers, contacts, relations, visits, contracts });
            },
          });
        }
      },
    });
  },
});
