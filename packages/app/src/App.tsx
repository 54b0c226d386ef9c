import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import appPlugin from '@backstage/plugin-app';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import crmPlugin from '@cocrm/plugin-crm';
import accessPlugin from '@cocrm/plugin-access';
import workflowPlugin from '@cocrm/plugin-workflow';
import mailPlugin from '@cocrm/plugin-mail';
import { navContent } from './modules/nav';
import { signInPage } from './modules/signIn';

/** Languages of the UI; the first is the default. Overridable through app-config (see below). */
export const APP_LANGUAGES = ['zh-CN', 'en'];

/**
 * zh-CN is the default language, English is selectable in 设置 → 语言.
 * The built-in `api:app/app-language` extension reads `defaultLanguage` and
 * `availableLanguages` from its config; we give it defaults here so that no
 * app-config entry is needed, while
 * `app.extensions: [{ 'api:app/app-language': { config: {...} } }]` still wins.
 */
const appLanguage = appPlugin.getExtension('api:app/app-language').override({
  factory: (originalFactory, { config }) =>
    originalFactory({
      config: {
        defaultLanguage: config.defaultLanguage ?? APP_LANGUAGES[0],
        availableLanguages: config.availableLanguages ?? APP_LANGUAGES,
      },
    }),
});

export const appModule = createFrontendModule({
  pluginId: 'app',
  extensions: [appLanguage, signInPage, navContent],
});

const app = createApp({
  features: [
    catalogPlugin,
    orgPlugin,
    notificationsPlugin,
    signalsPlugin,
    userSettingsPlugin,
    searchPlugin,
    crmPlugin,
    workflowPlugin,
    mailPlugin,
    accessPlugin,
    appModule,
  ],
});

export default app.createRoot();
