import { createBackendModule } from '@backstage/backend-plugin-api';
import { accessModelExtensionPoint } from '@cocrm/plugin-access-node';
import { WORKFLOW_MODELS } from '@cocrm/plugin-workflow-common';

/** The workflow plugin's resource types in the access plugin, so roles can grant them. */
export const accessModuleWorkflow = createBackendModule({
  pluginId: 'access',
  moduleId: 'workflow',
  register(reg) {
    reg.registerInit({
      deps: { models: accessModelExtensionPoint },
      async init({ models }) {
        models.addResourceModels(...WORKFLOW_MODELS);
      },
    });
  },
});
