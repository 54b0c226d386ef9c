import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  GroupTransformer,
  OrganizationTransformer,
  UserTransformer,
  microsoftGraphOrgEntityProviderTransformExtensionPoint,
  readProviderConfigs,
} from '@backstage/plugin-catalog-backend-module-msgraph';
import {
  createCocrmMsGraphTransformers,
  readCocrmMsGraphOptions,
} from './transformers';

/**
 * Plugs the suite's transformers into `@backstage/plugin-catalog-backend-module-msgraph`
 * (which must be added too): supervisors, leaders and titles for every configured
 * `catalog.providers.microsoftGraphOrg` provider.
 *
 * @public
 */
export const catalogModuleCocrmOrgMsGraph = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'cocrm-org-msgraph',
  register(reg) {
    reg.registerInit({
      deps: {
        transforms: microsoftGraphOrgEntityProviderTransformExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ transforms, config, logger }) {
        const options = readCocrmMsGraphOptions(config);
        const userTransformers: Record<string, UserTransformer> = {};
        const groupTransformers: Record<string, GroupTransformer> = {};
        const organizationTransformers: Record<
          string,
          OrganizationTransformer
        > = {};
        // per provider, so that each tenant's users index only serves that tenant's groups
        for (const provider of readProviderConfigs(config)) {
          const transformers = createCocrmMsGraphTransformers({
            ...options,
            logger: logger.child({ msgraphProvider: provider.id }),
          });
          userTransformers[provider.id] = transformers.userTransformer;
          groupTransformers[provider.id] = transformers.groupTransformer;
          organizationTransformers[provider.id] =
            transformers.organizationTransformer;
        }
        transforms.setUserTransformer(userTransformers);
        transforms.setGroupTransformer(groupTransformers);
        transforms.setOrganizationTransformer(organizationTransformers);
      },
    });
  },
});
