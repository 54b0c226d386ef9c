import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  Entity,
  GroupEntity,
  UserEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  MicrosoftGraphClient,
  readMicrosoftGraphOrg,
  readProviderConfig,
} from '@backstage/plugin-catalog-backend-module-msgraph';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import {
  COCRM_LEADER_ANNOTATION,
  COCRM_SUPERVISOR_ANNOTATION,
  COCRM_TITLE_ANNOTATION,
} from '../annotations';
import { createFakeCatalog } from '../__testUtils__/fakeCatalog';
import { cocrmOrgFeatureLoader } from '../loader';
import {
  CocrmMsGraphOptions,
  createCocrmMsGraphTransformers,
  readCocrmMsGraphOptions,
} from './transformers';

type ConfigData = NonNullable<mockServices.rootConfig.Options['data']>;

const TENANT = '11111111-2222-3333-4444-555555555555';
const GRAPH = 'https://graph.microsoft.com/v1.0';
const LEADER_EXTENSION = 'extension_0a1b2c_leader';

type GraphObject = Record<string, unknown>;

const graphUser = (
  id: string,
  mail: string | null,
  upn: string,
): GraphObject => ({
  '@odata.type': '#microsoft.graph.user',
  id,
  mail,
  userPrincipalName: upn,
});

const wang = graphUser(
  'u-wang',
  'wangjianguo@cocrm.cn',
  'wang.jianguo@cocrm.onmicrosoft.com',
);
const zhao = graphUser('u-zhao', 'ZhaoQiang@cocrm.cn', 'zhaoqiang@cocrm.cn');
const sun = graphUser('u-sun', 'sunli@cocrm.cn', 'sunli@cocrm.cn');
// no mailbox: the default transformer names this user after the UPN
const zheng = graphUser('u-zheng', null, 'zhengwei@cocrm.onmicrosoft.com');
const li = graphUser('u-li', 'liming@cocrm.cn', 'liming@cocrm.cn');
const chen = graphUser('u-chen', 'chenjing@cocrm.cn', 'chenjing@cocrm.cn');
const zhou = graphUser('u-zhou', 'zhouyang@cocrm.cn', 'zhouyang@cocrm.cn');
const servicePrincipal: GraphObject = {
  '@odata.type': '#microsoft.graph.servicePrincipal',
  id: 'sp-1',
  appDisplayName: 'HR sync',
};

const withProfile = (
  user: GraphObject,
  displayName: string,
  extra: GraphObject = {},
) => {
  const { '@odata.type': _type, ...rest } = user;
  return { ...rest, displayName, accountEnabled: true, ...extra };
};

// What GET /users?$expand=manager returns, split over two pages. wangjianguo comes last, so
// his reports' supervisor refs cannot come from users already transformed: they must follow
// the provider's naming rule (mail before UPN; his differ).
const USER_PAGES: GraphObject[][] = [
  [
    withProfile(zhao, '赵强', { jobTitle: '销售总监', manager: wang }),
    withProfile(sun, '孙丽', { jobTitle: '销售一部经理', manager: zhao }),
    withProfile(zheng, '郑伟', { manager: zhao }),
  ],
  [
    withProfile(wang, '王建国', { jobTitle: '总经理' }),
    withProfile(li, '李明', { manager: zheng }),
    // the directory names them as their own manager
    withProfile(chen, '陈静', { manager: chen }),
    // `manager` absent, as Graph returns it for users without one
    withProfile(zhou, '周洋'),
    {
      ...withProfile(
        graphUser('u-gone', 'gone@cocrm.cn', 'gone@cocrm.cn'),
        '离职',
      ),
      accountEnabled: false,
    },
  ],
];

interface TestGroup {
  group: GraphObject;
  owners: GraphObject[];
  members: GraphObject[][];
}

const GROUPS: TestGroup[] = [
  {
    group: {
      id: 'g-sales',
      displayName: '销售部',
      mailNickname: 'sales',
      mail: 'sales@cocrm.cn',
      securityEnabled: false,
      [LEADER_EXTENSION]: 'u-sun',
    },
    owners: [zhao],
    // members split over two pages too
    members: [
      [zhao, { '@odata.type': '#microsoft.graph.group', id: 'g-sales-1' }],
      [{ '@odata.type': '#microsoft.graph.group', id: 'g-sales-2' }],
    ],
  },
  {
    group: {
      id: 'g-sales-1',
      displayName: '销售一部',
      mailNickname: 'sales-1',
      securityEnabled: true,
      [LEADER_EXTENSION]: 'LiMing@cocrm.cn',
    },
    owners: [servicePrincipal, sun],
    members: [[sun, li]],
  },
  {
    group: {
      id: 'g-sales-2',
      displayName: '销售二部',
      mailNickname: 'sales-2',
      securityEnabled: true,
      [LEADER_EXTENSION]: 'an-unknown-object-id',
    },
    owners: [zheng, li],
    members: [[zheng]],
  },
  {
    group: {
      id: 'g-finance',
      displayName: '财务部',
      mailNickname: 'finance',
      securityEnabled: true,
    },
    owners: [],
    members: [[chen, zhou]],
  },
];

const requests: URL[] = [];

function page(request: Request, pages: GraphObject[][]) {
  const url = new URL(request.url);
  const index = Number(url.searchParams.get('$skiptoken') ?? '0');
  const next = new URL(url);
  next.searchParams.set('$skiptoken', String(index + 1));
  return HttpResponse.json({
    value: pages[index] ?? [],
    ...(index + 1 < pages.length ? { '@odata.nextLink': next.toString() } : {}),
  });
}

function selected(url: URL, object: GraphObject): GraphObject {
  const select = url.searchParams.get('$select');
  if (!select) {
    // Graph returns directory extensions only when they are selected
    return Object.fromEntries(
      Object.entries(object).filter(([k]) => !k.startsWith('extension_')),
    );
  }
  const keep = new Set(['id', ...select.split(',')]);
  return Object.fromEntries(
    Object.entries(object).filter(([k]) => keep.has(k)),
  );
}

const server = setupServer(
  http.post(
    `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      if (
        body.get('client_id') !== 'cocrm-app' ||
        body.get('client_secret') !== 'cocrm-secret'
      ) {
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }
      return HttpResponse.json({
        token_type: 'Bearer',
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: 'fake-graph-token',
      });
    },
  ),
  http.get(`${GRAPH}/*`, ({ request }) => {
    requests.push(new URL(request.url));
    if (request.headers.get('authorization') !== 'Bearer fake-graph-token') {
      return HttpResponse.json(
        { error: { code: 'InvalidAuthenticationToken', message: 'no token' } },
        { status: 401 },
      );
    }
    return undefined;
  }),
  http.get(`${GRAPH}/organization/${TENANT}`, () =>
    HttpResponse.json({
      id: TENANT,
      displayName: '上海示例科技有限公司',
      verifiedDomains: [
        { name: 'cocrm.onmicrosoft.com', isDefault: false },
        { name: 'cocrm.cn', isDefault: true },
      ],
    }),
  ),
  http.get(`${GRAPH}/users`, ({ request }) => {
    const url = new URL(request.url);
    const expandsManager = url.searchParams.get('$expand') === 'manager';
    const pages = USER_PAGES.map(users =>
      users.map(u => {
        const { manager, ...rest } = u;
        return expandsManager && manager ? { ...rest, manager } : rest;
      }),
    );
    return page(request, pages);
  }),
  http.get(`${GRAPH}/groups`, ({ request }) => {
    const url = new URL(request.url);
    const expandsOwners = url.searchParams.get('$expand') === 'owners';
    const groups = GROUPS.map(g => ({
      ...selected(url, g.group),
      ...(expandsOwners ? { owners: g.owners } : {}),
    }));
    return page(request, [groups.slice(0, 2), groups.slice(2)]);
  }),
  http.get(`${GRAPH}/groups/:id/members`, ({ request, params }) => {
    const group = GROUPS.find(g => g.group.id === params.id);
    return group
      ? page(request, group.members)
      : HttpResponse.json(
          {
            error: {
              code: 'Request_ResourceNotFound',
              message: String(params.id),
            },
          },
          { status: 404 },
        );
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

function providerData(extra: ConfigData = {}): ConfigData {
  return {
    tenantId: TENANT,
    clientId: 'cocrm-app',
    clientSecret: 'cocrm-secret',
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
    user: { expand: 'manager', loadPhotos: false },
    group: { expand: 'owners' },
    ...extra,
  };
}

async function readOrg(
  options: CocrmMsGraphOptions = {},
  extra: ConfigData = {},
) {
  const provider = readProviderConfig(
    'corp',
    mockServices.rootConfig({ data: providerData(extra) }),
  );
  const transformers = createCocrmMsGraphTransformers(options);
  return readMicrosoftGraphOrg(
    MicrosoftGraphClient.create(provider),
    provider.tenantId,
    {
      userExpand: provider.userExpand,
      userSelect: provider.userSelect,
      loadUserPhotos: provider.loadUserPhotos,
      groupExpand: provider.groupExpand,
      groupSelect: provider.groupSelect,
      userTransformer: transformers.userTransformer,
      groupTransformer: transformers.groupTransformer,
      organizationTransformer: transformers.organizationTransformer,
      logger: mockServices.logger.mock(),
    },
  );
}

const annotation = (entity: Entity, key: string) =>
  entity.metadata.annotations?.[key];
const byName = <T extends Entity>(entities: T[], name: string): T => {
  const found = entities.find(e => e.metadata.name === name);
  if (!found) {
    throw new Error(
      `no ${name} in ${entities.map(e => e.metadata.name).join(', ')}`,
    );
  }
  return found;
};
const annotationsByName = (entities: Entity[], key: string) =>
  Object.fromEntries(entities.map(e => [e.metadata.name, annotation(e, key)]));

describe('Microsoft Graph org ingestion against a mocked Graph API', () => {
  describe('supervisors from the expanded manager, leaders from the owners', () => {
    let users: UserEntity[];
    let groups: GroupEntity[];

    beforeAll(async () => {
      ({ users, groups } = await readOrg());
    });

    it('asks Graph to expand manager and owners, and follows @odata.nextLink', async () => {
      requests.length = 0;
      await readOrg();
      const userCalls = requests.filter(u => u.pathname.endsWith('/users'));
      expect(userCalls).toHaveLength(2);
      expect(userCalls[0].searchParams.get('$expand')).toBe('manager');
      expect(userCalls[1].searchParams.get('$skiptoken')).toBe('1');
      expect(
        requests
          .filter(u => u.pathname.endsWith('/groups'))
          .map(u => u.searchParams.get('$expand')),
      ).toEqual(['owners', 'owners']);
      expect(
        requests.filter(u => u.pathname.endsWith('/groups/g-sales/members')),
      ).toHaveLength(2);
    });

    it('writes each user’s supervisor, named the way the provider names users', () => {
      expect(annotationsByName(users, COCRM_SUPERVISOR_ANNOTATION)).toEqual({
        'wangjianguo_cocrm.cn': undefined,
        'zhaoqiang_cocrm.cn': 'user:default/wangjianguo_cocrm.cn',
        'sunli_cocrm.cn': 'user:default/zhaoqiang_cocrm.cn',
        'zhengwei_cocrm.onmicrosoft.com': 'user:default/zhaoqiang_cocrm.cn',
        'liming_cocrm.cn': 'user:default/zhengwei_cocrm.onmicrosoft.com',
        'chenjing_cocrm.cn': undefined,
        'zhouyang_cocrm.cn': undefined,
      });
    });

    it('writes no supervisor for a user without a manager', () => {
      const zhouyang = byName(users, 'zhouyang_cocrm.cn');
      expect(zhouyang.metadata.annotations).not.toHaveProperty(
        COCRM_SUPERVISOR_ANNOTATION,
      );
    });

    it('writes each department’s leader from its user owners', () => {
      expect(annotationsByName(groups, COCRM_LEADER_ANNOTATION)).toEqual({
        'cocrm.cn': undefined,
        sales: 'user:default/zhaoqiang_cocrm.cn',
        'sales-1': 'user:default/sunli_cocrm.cn',
        // two owners: the least ref, stable across refreshes
        'sales-2': 'user:default/liming_cocrm.cn',
        finance: undefined,
      });
    });

    it('points every supervisor and leader at an ingested user', () => {
      const userRefs = new Set(users.map(u => stringifyEntityRef(u)));
      const refs = [
        ...users.map(u => annotation(u, COCRM_SUPERVISOR_ANNOTATION)),
        ...groups.map(g => annotation(g, COCRM_LEADER_ANNOTATION)),
      ].filter((r): r is string => !!r);
      expect(refs).toHaveLength(7);
      refs.forEach(ref => expect(userRefs).toContain(ref));
    });

    it('copies jobTitle', () => {
      expect(
        annotation(byName(users, 'sunli_cocrm.cn'), COCRM_TITLE_ANNOTATION),
      ).toBe('销售一部经理');
      expect(
        annotation(byName(users, 'zhouyang_cocrm.cn'), COCRM_TITLE_ANNOTATION),
      ).toBeUndefined();
    });

    it('names departments and the tenant with Chinese display names, and keeps the tree', () => {
      expect(groups.map(g => g.metadata.name).sort()).toEqual([
        'cocrm.cn',
        'finance',
        'sales',
        'sales-1',
        'sales-2',
      ]);
      expect(byName(groups, 'sales-1').spec.profile?.displayName).toBe(
        '销售一部',
      );
      expect(byName(groups, 'sales').spec.parent).toBe(
        'group:default/cocrm.cn',
      );
      expect(byName(groups, 'sales').spec.children.sort()).toEqual([
        'group:default/sales-1',
        'group:default/sales-2',
      ]);
      expect(byName(users, 'liming_cocrm.cn').spec.memberOf).toEqual([
        'group:default/sales-1',
      ]);
    });
  });

  it('writes no supervisor when the provider is not configured to expand the manager', async () => {
    const { users } = await readOrg({}, { user: { loadPhotos: false } });
    expect(users).toHaveLength(7);
    users.forEach(u =>
      expect(u.metadata.annotations).not.toHaveProperty(
        COCRM_SUPERVISOR_ANNOTATION,
      ),
    );
  });

  it('takes the leader from the property named in cocrm.msgraph.leaderProperty', async () => {
    const options = readCocrmMsGraphOptions(
      mockServices.rootConfig({
        data: { cocrm: { msgraph: { leaderProperty: LEADER_EXTENSION } } },
      }),
    );
    const { groups } = await readOrg(options, {
      group: {
        select: [
          'id',
          'displayName',
          'description',
          'mail',
          'mailNickname',
          'securityEnabled',
          LEADER_EXTENSION,
        ],
      },
    });
    expect(annotationsByName(groups, COCRM_LEADER_ANNOTATION)).toEqual({
      'cocrm.cn': undefined,
      // an object id, resolved through the users read before the groups
      sales: 'user:default/sunli_cocrm.cn',
      // a mail in another case
      'sales-1': 'user:default/liming_cocrm.cn',
      // neither: no guess
      'sales-2': undefined,
      finance: undefined,
    });
  });

  it('runs inside a backend: the feature loader adds the provider with these transformers', async () => {
    const catalog = createFakeCatalog();
    const backend = await startTestBackend({
      features: [
        catalog.plugin,
        cocrmOrgFeatureLoader,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              providers: { microsoftGraphOrg: { corp: providerData() } },
            },
          },
        }),
      ],
    });
    try {
      expect(catalog.providers.map(p => p.getProviderName())).toEqual([
        'MicrosoftGraphOrgEntityProvider:corp',
      ]);
      const entities = catalog.entities();
      const sunli = entities.find(e => e.metadata.name === 'sunli_cocrm.cn');
      const sales1 = entities.find(e => e.metadata.name === 'sales-1');
      expect(sunli && annotation(sunli, COCRM_SUPERVISOR_ANNOTATION)).toBe(
        'user:default/zhaoqiang_cocrm.cn',
      );
      expect(sales1 && annotation(sales1, COCRM_LEADER_ANNOTATION)).toBe(
        'user:default/sunli_cocrm.cn',
      );
    } finally {
      await backend.stop();
    }
  });
});
