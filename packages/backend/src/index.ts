import { createBackend } from '@backstage/backend-defaults';
import { accessModuleCrm, workflowModuleCrm } from '@cocrm/plugin-crm-backend';
import { accessModuleWorkflow } from '@cocrm/plugin-workflow-backend';
import { accessModuleMail } from '@cocrm/plugin-mail-backend';
import { demoAuthProviderModule, demoSignInPlugin } from './modules/demoSignIn';

const backend = createBackend();

// serves the built frontend in production (`app.baseUrl` = backend URL)
backend.add(import('@backstage/plugin-app-backend'));

// sign-in: Microsoft Entra ID in production, the demo user picker in development
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-microsoft-provider'));
backend.add(demoAuthProviderModule);
backend.add(demoSignInPlugin);

// the org (departments, users, leaders) lives in the catalog
backend.add(import('@backstage/plugin-catalog-backend'));
// LDAP / Microsoft Graph org providers with leaders and supervisors, each only when
// configured under catalog.providers.ldapOrg / catalog.providers.microsoftGraphOrg
backend.add(import('@cocrm/plugin-catalog-backend-module-cocrm-org'));

// the suite's permission policy instead of allow-all; roles and grants live in the access plugin
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@cocrm/plugin-permission-backend-module-suite-policy'));
backend.add(import('@cocrm/plugin-access-backend'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@cocrm/plugin-crm-backend'));
backend.add(accessModuleCrm);

// approvals (审批): the engine, the inbox API, approve-by-mail; document types come from modules
backend.add(import('@cocrm/plugin-workflow-backend'));
backend.add(accessModuleWorkflow);
// 合同 is an approvable document type
backend.add(workflowModuleCrm);

// mail (邮件): mailboxes synced exactly once, routed into customer records, the webmail API
backend.add(import('@cocrm/plugin-mail-backend'));
backend.add(accessModuleMail);
// routed mail on the customer 360° timeline
backend.add(import('@cocrm/plugin-crm-backend-module-mail'));

backend.start();
