import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createFakeCatalog } from './__testUtils__/fakeCatalog';
import { cocrmOrgFeatureLoader } from './loader';

describe('the feature loader without directory config', () => {
  it('starts a backend and adds neither org provider module', async () => {
    const catalog = createFakeCatalog();
    const backend = await startTestBackend({
      features: [
        catalog.plugin,
        cocrmOrgFeatureLoader,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    try {
      expect(catalog.addEntityProviderCalls).toEqual([]);
      expect(catalog.mutations).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
