import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthenticationError } from '@backstage/errors';
import Router from 'express-promise-router';
import { OrgDirectory } from '@cocrm/plugin-access-node';

/*
 * Development sign-in: a person picks which demo user to be, so that the data
 * scopes of a salesperson, a department leader and the general manager can be
 * seen side by side. It exists only when `auth.environment` is `development`
 * and `auth.providers.demo` is configured; production config sets neither.
 */

const DEMO_HEADER = 'x-demo-user';
const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const demoAuthProviderModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, config: coreServices.rootConfig },
      async init({ providers, config }) {
        if (config.getOptionalString('auth.environment') !== 'development') return;
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { name: string }) => ({ profile: { displayName: result.name } }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const name = req.get(DEMO_HEADER) ?? '';
                if (!NAME_RE.test(name)) throw new AuthenticationError('请选择一位演示用户');
                return { result: { name } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: { kind: 'User', name: result.name } }),
          }),
        });
      },
    });
  },
});

/** Lists the demo users for the sign-in page (which has no token yet). */
export const demoSignInPlugin = createBackendPlugin({
  pluginId: 'demo-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ config, httpRouter, catalog, auth, logger }) {
        const enabled =
          config.getOptionalString('auth.environment') === 'development' &&
          config.has('auth.providers.demo');
        const org = new OrgDirectory(catalog, auth, logger, 5_000);
        const router = Router();
        router.get('/users', async (_req, res) => {
          if (!enabled) {
            res.status(404).json({ error: { name: 'NotFoundError', message: 'demo sign-in is disabled' } });
            return;
          }
          const snapshot = await org.snapshot();
          const users = [...snapshot.users.values()].map(u => ({
            ref: u.ref,
            name: u.name,
            displayName: u.displayName,
            title: u.title,
            department: u.departments.map(d => snapshot.departments.get(d)?.displayName ?? d).join('、'),
          }));
          res.json(users.sort((a, b) => a.department.localeCompare(b.department, 'zh-CN') || a.name.localeCompare(b.name)));
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/users', allow: 'unauthenticated' });
      },
    });
  },
});
