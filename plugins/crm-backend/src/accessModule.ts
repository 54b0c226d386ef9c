import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { accessHandoverExtensionPoint, accessModelExtensionPoint, createHttpHandoverProvider } from '@cocrm/plugin-access-node';
import { CRM_MODELS } from '@cocrm/plugin-crm-common';
import { CONTRACT_ITEM, CUSTOMER_ITEM, VISIT_ITEM } from './service/HandoverService';

/**
 * The CRM's part in the access plugin: its resource types (so that roles can
 * grant them and hide their fields) and its part of 工作移交, which runs in
 * the CRM backend next to its database and is reached over HTTP.
 */
export const accessModuleCrm = createBackendModule({
  pluginId: 'access',
  moduleId: 'crm',
  register(reg) {
    reg.registerInit({
      deps: {
        models: accessModelExtensionPoint,
        handover: accessHandoverExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ models, handover, discovery, auth }) {
        models.addResourceModels(...CRM_MODELS);
        handover.addProvider(
          createHttpHandoverProvider({
            pluginId: 'crm',
            label: { 'zh-CN': '客户管理', en: 'CRM' },
            itemTypes: [
              { type: CUSTOMER_ITEM, label: { 'zh-CN': '客户', en: 'Customers' }, requiredPermission: 'crm.customer.update' },
              { type: VISIT_ITEM, label: { 'zh-CN': '计划中的拜访', en: 'Planned visits' }, requiredPermission: 'crm.visit.update' },
              { type: CONTRACT_ITEM, label: { 'zh-CN': '合同', en: 'Contracts' }, requiredPermission: 'crm.contract.update' },
            ],
            discovery,
            auth,
          }),
        );
      },
    });
  },
});
