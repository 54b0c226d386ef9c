import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { AccessClient } from '@cocrm/plugin-access-node';
import { SuitePermissionPolicy } from './SuitePermissionPolicy';

/** Replaces allow-all with the suite's role/grant policy (roles and grants live in the access plugin). */
export const permissionModuleSuitePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'suite-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ policy, discovery, auth, logger }) {
        policy.setPolicy(new SuitePermissionPolicy(new AccessClient({ discovery, auth, logger }), logger));
      },
    });
  },
});
