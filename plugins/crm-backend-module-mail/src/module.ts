import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { crmTimelineExtensionPoint } from '@cocrm/plugin-crm-node';
import { mailTimelineSource } from './mailTimelineSource';

/**
 * Adds the mail routed to a customer to its timeline. The mail plugin decides
 * what the viewer may read (their mailboxes, the mailboxes' sharing), so it is
 * asked on the viewer's behalf rather than by the CRM as itself.
 */
export const crmModuleMail = createBackendModule({
  pluginId: 'crm',
  moduleId: 'mail',
  register(reg) {
    reg.registerInit({
      deps: {
        timeline: crmTimelineExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ timeline, discovery, auth, logger }) {
        timeline.addSource(mailTimelineSource({ discovery, auth, logger }));
      },
    });
  },
});
