import { createBackend } from '@backstage/backend-defaults';
import { demoAuthProviderModule, demoSignInPlugin } from './modules/demoSignIn';
import { suitePermissionPolicyModule } from './modules/permissionPolicy';

const backend = createBackend();

// serves the built frontend in production (`app.baseUrl` = backend URL)
backend.add(import('@backstage/plugin-app-backend'));

// sign-in: Microsoft Entra ID in production, the demo user picker in development
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-microsoft-provider'));
backend.add(demoAuthProviderModule);
backend.add(demoSignInPlugin);

// the org (departments, users, leaders) lives in the catalog
backend.add(import('@backstage/plugin-catalog-backend'));

// the suite's permission policy instead of allow-all
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(suitePermissionPolicyModule);

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@cocrm/plugin-crm-backend'));

backend.start();
