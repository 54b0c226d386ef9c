import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';

/**
 * Stands in for the catalog plugin in a test backend: collects the entity providers that
 * modules add and connects them, as the real catalog does, to a connection that records
 * every mutation.
 *
 * startTestBackend cannot do this through its `extensionPoints` option here, because the
 * modules under test come out of a feature loader it does not look into.
 */
export function createFakeCatalog() {
  const providers: EntityProvider[] = [];
  // calls, not providers: a provider module with no config still calls, with nothing
  const addEntityProviderCalls: unknown[][] = [];
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    async applyMutation(mutation) {
      mutations.push(mutation);
    },
    async refresh() {},
  };
  const plugin = createBackendPlugin({
    pluginId: 'catalog',
    register(reg) {
      reg.registerExtensionPoint(catalogProcessingExtensionPoint, {
        addProcessor() {},
        addEntityProvider(...added) {
          addEntityProviderCalls.push(added);
          providers.push(...added.flat());
        },
        addPlaceholderResolver() {},
        setOnProcessingErrorHandler() {},
      });
      reg.registerInit({
        deps: {},
        async init() {
          for (const provider of providers) {
            await provider.connect(connection);
          }
        },
      });
    },
  });
  function entities(): Entity[] {
    return mutations.flatMap(m =>
      m.type === 'full'
        ? m.entities.map(e => e.entity)
        : m.added.map(e => e.entity),
    );
  }
  return { plugin, providers, addEntityProviderCalls, mutations, entities };
}
