import {
  ApiBlueprint,
  PageBlueprint,
  appLanguageApiRef,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import { AccessClient, accessApiRef } from './api/AccessClient';
import { rootRouteRef } from './routes';

/** The access API client; sends the UI language as Accept-Language. */
export const accessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: accessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, appLanguageApi: appLanguageApiRef },
      factory: ({ discoveryApi, fetchApi, appLanguageApi }) =>
        new AccessClient({
          discoveryApi,
          fetchApi,
          getLanguage: () => appLanguageApi.getLanguage().language,
        }),
    }),
});

/** 系统设置 at /system (roles, grants, access lookup, work handover, audit log). */
export const accessPage = PageBlueprint.make({
  params: {
    path: '/system',
    title: '系统设置',
    icon: <AdminPanelSettingsIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/SettingsPage').then(m => <m.SettingsPage />),
  },
});

export default createFrontendPlugin({
  pluginId: 'access',
  title: '系统设置',
  icon: <AdminPanelSettingsIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [accessApi, accessPage],
});
