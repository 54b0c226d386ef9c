import {
  ApiBlueprint,
  PageBlueprint,
  appLanguageApiRef,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import MailOutlineIcon from '@mui/icons-material/MailOutline';
import { MailClient, mailApiRef } from './api/MailClient';
import { rootRouteRef } from './routes';

/** The mail API client; sends the UI language as Accept-Language. */
export const mailApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: mailApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        appLanguageApi: appLanguageApiRef,
        identityApi: identityApiRef,
      },
      factory: ({ discoveryApi, fetchApi, appLanguageApi, identityApi }) =>
        new MailClient({
          discoveryApi,
          fetchApi,
          getLanguage: () => appLanguageApi.getLanguage().language,
          getToken: async () => (await identityApi.getCredentials()).token,
        }),
    }),
});

/** 邮件 at /mail (mailboxes, threads, compose, drafts, outbox, knowledge, mailbox settings). */
export const mailPage = PageBlueprint.make({
  params: {
    path: '/mail',
    title: '邮件',
    icon: <MailOutlineIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/MailPage').then(m => <m.MailPage />),
  },
});

export default createFrontendPlugin({
  pluginId: 'mail',
  title: '邮件',
  icon: <MailOutlineIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [mailApi, mailPage],
});
