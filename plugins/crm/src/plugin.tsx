import {
  ApiBlueprint,
  PageBlueprint,
  appLanguageApiRef,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import PeopleAltIcon from '@mui/icons-material/PeopleAlt';
import { CrmClient, crmApiRef } from './api/CrmClient';
import { rootRouteRef } from './routes';

/** The CRM API client; sends the UI language as Accept-Language. */
export const crmApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: crmApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, appLanguageApi: appLanguageApiRef },
      factory: ({ discoveryApi, fetchApi, appLanguageApi }) =>
        new CrmClient({
          discoveryApi,
          fetchApi,
          getLanguage: () => appLanguageApi.getLanguage().language,
        }),
    }),
});

/** 客户管理 at /crm (customers, contacts, visits). */
export const crmPage = PageBlueprint.make({
  params: {
    path: '/crm',
    title: '客户管理',
    icon: <PeopleAltIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/CrmPage').then(m => <m.CrmPage />),
  },
});

export default createFrontendPlugin({
  pluginId: 'crm',
  title: '客户管理',
  icon: <PeopleAltIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [crmApi, crmPage],
});
