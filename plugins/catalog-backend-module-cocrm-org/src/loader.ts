import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import catalogModuleLdapOrgEntityProvider from '@backstage/plugin-catalog-backend-module-ldap';
import catalogModuleMicrosoftGraphOrgEntityProvider from '@backstage/plugin-catalog-backend-module-msgraph';
import { catalogModuleCocrmOrgLdap } from './ldap/module';
import { catalogModuleCocrmOrgMsGraph } from './msgraph/module';

/**
 * Adds the LDAP and/or Microsoft Graph org providers, each with the suite's transformers,
 * only for the sources that are configured.
 *
 * Going through here rather than adding the four modules in the backend's index keeps a
 * backend without directory config free of idle providers, and keeps each provider and its
 * transformer module from being added one without the other: the transformer module
 * cannot start without the provider's extension point.
 *
 * @public
 */
export const cocrmOrgFeatureLoader = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (config.has('catalog.providers.ldapOrg')) {
      yield catalogModuleLdapOrgEntityProvider;
      yield catalogModuleCocrmOrgLdap;
    }
    if (config.has('catalog.providers.microsoftGraphOrg')) {
      yield catalogModuleMicrosoftGraphOrgEntityProvider;
      yield catalogModuleCocrmOrgMsGraph;
    }
  },
});
