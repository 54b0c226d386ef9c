import {
  ApiBlueprint,
  PageBlueprint,
  appLanguageApiRef,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import AssignmentTurnedInIcon from '@mui/icons-material/AssignmentTurnedIn';
import { WorkflowClient, workflowApiRef } from './api/WorkflowClient';
import { rootRouteRef } from './routes';

/** The workflow API client; sends the UI language as Accept-Language. */
export const workflowApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: workflowApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, appLanguageApi: appLanguageApiRef },
      factory: ({ discoveryApi, fetchApi, appLanguageApi }) =>
        new WorkflowClient({
          discoveryApi,
          fetchApi,
          getLanguage: () => appLanguageApi.getLanguage().language,
        }),
    }),
});

/** 审批 at /approvals (inbox, approval pages, delegations, flow designer, reports). */
export const workflowPage = PageBlueprint.make({
  params: {
    path: '/approvals',
    title: '审批',
    icon: <AssignmentTurnedInIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/ApprovalsPage').then(m => <m.ApprovalsPage />),
  },
});

export default createFrontendPlugin({
  pluginId: 'workflow',
  title: '审批',
  icon: <AssignmentTurnedInIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [workflowApi, workflowPage],
});
