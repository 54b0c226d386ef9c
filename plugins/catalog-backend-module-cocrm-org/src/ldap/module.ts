import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  GroupTransformer,
  UserTransformer,
  ldapOrgEntityProviderTransformsExtensionPoint,
  readProviderConfigs,
} from '@backstage/plugin-catalog-backend-module-ldap';
import {
  createCocrmLdapTransformers,
  readCocrmLdapAttributes,
} from './transformers';

/**
 * Plugs the suite's transformers into `@backstage/plugin-catalog-backend-module-ldap`
 * (which must be added too): supervisors, leaders and titles for every configured
 * `catalog.providers.ldapOrg` provider.
 *
 * @public
 */
export const catalogModuleCocrmOrgLdap = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'cocrm-org-ldap',
  register(reg) {
    reg.registerInit({
      deps: {
        transforms: ldapOrgEntityProviderTransformsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ transforms, config, logger }) {
        const attributes = readCocrmLdapAttributes(config);
        const userTransformers: Record<string, UserTransformer> = {};
        const groupTransformers: Record<string, GroupTransformer> = {};
        // per provider, because naming a manager's DN needs that provider's users config
        for (const provider of readProviderConfigs(config)) {
          const transformers = createCocrmLdapTransformers({
            users: provider.users,
            groups: provider.groups,
            attributes,
            logger: logger.child({ ldapProvider: provider.id }),
          });
          userTransformers[provider.id] = transformers.userTransformer;
          groupTransformers[provider.id] = transformers.groupTransformer;
        }
        transforms.setUserTransformer(userTransformers);
        transforms.setGroupTransformer(groupTransformers);
      },
    });
  },
});
