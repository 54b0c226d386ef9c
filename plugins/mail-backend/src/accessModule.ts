import { createBackendModule } from '@backstage/backend-plugin-api';
import { accessModelExtensionPoint } from '@cocrm/plugin-access-node';
import { MAIL_MODELS } from '@cocrm/plugin-mail-common';

/** The mail plugin's resource types in the access plugin, so roles can grant them with a data scope. */
export const accessModuleMail = createBackendModule({
  pluginId: 'access',
  moduleId: 'mail',
  register(reg) {
    reg.registerInit({
      deps: { models: accessModelExtensionPoint },
      async init({ models }) {
        models.addResourceModels(...MAIL_MODELS);
      },
    });
  },
});
