import { coreServices, createServiceFactory, createServiceRef } from '@backstage/backend-plugin-api';
import { SuiteMailService, createSuiteMailService } from './SuiteMailService';

/** The suite's mail sending; one transport per backend. */
export const suiteMailServiceRef = createServiceRef<SuiteMailService>({
  id: 'cocrm.mail.sending',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => createSuiteMailService(config),
    }),
});
