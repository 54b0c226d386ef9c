import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  Entity,
  GroupEntity,
  UserEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  LdapClient,
  LdapProviderConfig,
  readLdapOrg,
  readProviderConfigs,
} from '@backstage/plugin-catalog-backend-module-ldap';
import {
  COCRM_LEADER_ANNOTATION,
  COCRM_SUPERVISOR_ANNOTATION,
  COCRM_TITLE_ANNOTATION,
} from '../annotations';
import { Slapd, findSlapd, ldifLine, startSlapd } from '../__testUtils__/slapd';
import { createFakeCatalog } from '../__testUtils__/fakeCatalog';
import {
  CocrmLdapTransformers,
  createCocrmLdapTransformers,
  readCocrmLdapAttributes,
} from './transformers';
import { cocrmOrgFeatureLoader } from '../loader';

type JsonObject = NonNullable<mockServices.rootConfig.Options['data']>;

const SUFFIX = 'dc=cocrm,dc=test';
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const person = (uid: string) => `uid=${uid},${PEOPLE}`;
const group = (cn: string) => `cn=${cn},${GROUPS}`;

interface TestUser {
  uid: string;
  cn: string;
  employeeNumber: string;
  title?: string;
  manager?: string[];
  secretary?: string;
}
interface TestGroup {
  cn: string;
  category: string;
  owner?: string[];
  seeAlso?: string;
  member: string[];
}

// The demo company of examples/org.yaml, as a directory would hold it.
const USERS: TestUser[] = [
  {
    uid: 'wangjianguo',
    cn: '王建国',
    employeeNumber: 'e1001',
    title: '总经理',
  },
  {
    uid: 'zhaoqiang',
    cn: '赵强',
    employeeNumber: 'e1002',
    title: '销售总监',
    manager: [person('wangjianguo')],
  },
  {
    uid: 'sunli',
    cn: '孙丽',
    employeeNumber: 'e1003',
    title: '销售一部经理',
    manager: [person('zhaoqiang')],
    secretary: person('liming'),
  },
  {
    uid: 'zhengwei',
    cn: '郑伟',
    employeeNumber: 'e1004',
    // another spelling of zhaoqiang's DN: case, spaces and an escaped character
    manager: [`UID=Zhao\\71iang , OU=People,  DC=cocrm,DC=test`],
  },
  {
    uid: 'liming',
    cn: '李明',
    employeeNumber: 'e1005',
    title: '销售代表',
    manager: [person('sunli')],
  },
  // their own manager in the directory: must not become their own supervisor
  {
    uid: 'chenjing',
    cn: '陈静',
    employeeNumber: 'e1006',
    manager: [person('chenjing')],
  },
  { uid: 'zhouyang', cn: '周洋', employeeNumber: 'e1007' },
];

const GROUP_DATA: TestGroup[] = [
  {
    cn: 'shanghai-demo',
    category: 'organization',
    owner: [person('wangjianguo')],
    member: [group('gm-office'), group('sales'), group('finance')],
  },
  {
    cn: 'gm-office',
    category: 'department',
    owner: [person('wangjianguo')],
    member: [person('wangjianguo')],
  },
  {
    cn: 'sales',
    category: 'department',
    owner: [person('zhaoqiang')],
    seeAlso: person('sunli'),
    member: [person('zhaoqiang'), group('sales-1'), group('sales-2')],
  },
  {
    cn: 'sales-1',
    category: 'department',
    owner: [person('sunli')],
    member: [person('sunli'), person('liming')],
  },
  // two owners: the least ref wins, whatever order the server returns them in
  {
    cn: 'sales-2',
    category: 'department',
    owner: [person('zhengwei'), person('liming')],
    member: [person('zhengwei')],
  },
  // no owner at all: no leader annotation; an owner that is a group is not a leader
  {
    cn: 'finance',
    category: 'department',
    owner: [group('sales')],
    member: [person('chenjing'), person('zhouyang')],
  },
];

function buildLdif(): string {
  const entries: string[][] = [
    [
      `dn: ${SUFFIX}`,
      'objectClass: dcObject',
      'objectClass: organization',
      'o: cocrm',
      'dc: cocrm',
    ],
    [`dn: ${PEOPLE}`, 'objectClass: organizationalUnit', 'ou: people'],
    [`dn: ${GROUPS}`, 'objectClass: organizationalUnit', 'ou: groups'],
  ];
  for (const u of USERS) {
    entries.push([
      `dn: ${person(u.uid)}`,
      'objectClass: inetOrgPerson',
      `uid: ${u.uid}`,
      ldifLine('cn', u.cn),
      ldifLine('sn', u.cn.slice(0, 1)),
      `mail: ${u.uid}@cocrm.test`,
      `employeeNumber: ${u.employeeNumber}`,
      ...(u.title ? [ldifLine('title', u.title)] : []),
      ...(u.manager ?? []).map(m => ldifLine('manager', m)),
      ...(u.secretary ? [ldifLine('secretary', u.secretary)] : []),
    ]);
  }
  for (const g of GROUP_DATA) {
    entries.push([
      `dn: ${group(g.cn)}`,
      'objectClass: groupOfNames',
      `cn: ${g.cn}`,
      `businessCategory: ${g.category}`,
      ...(g.owner ?? []).map(o => ldifLine('owner', o)),
      ...(g.seeAlso ? [ldifLine('seeAlso', g.seeAlso)] : []),
      ...g.member.map(m => ldifLine('member', m)),
    ]);
  }
  return `${entries.map(e => e.join('\n')).join('\n\n')}\n`;
}

function providerData(slapd: Slapd, usersMap: JsonObject = {}): JsonObject {
  return {
    target: slapd.url,
    bind: { dn: slapd.rootDn, secret: slapd.rootPassword },
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
    users: {
      dn: PEOPLE,
      options: { filter: '(objectClass=inetOrgPerson)' },
      map: usersMap,
    },
    groups: {
      dn: GROUPS,
      options: { filter: '(objectClass=groupOfNames)' },
      map: { type: 'businessCategory' },
    },
  };
}

function readProvider(
  slapd: Slapd,
  usersMap: JsonObject = {},
): LdapProviderConfig {
  const config = mockServices.rootConfig({
    data: {
      catalog: {
        providers: { ldapOrg: { corp: providerData(slapd, usersMap) } },
      },
    },
  });
  const [provider] = readProviderConfigs(config);
  return provider;
}

async function readOrg(
  provider: LdapProviderConfig,
  transformers: CocrmLdapTransformers,
) {
  const logger = mockServices.logger.mock();
  const client = await LdapClient.create(
    logger,
    provider.target,
    provider.bind,
  );
  return readLdapOrg(client, provider.users, provider.groups, provider.vendor, {
    userTransformer: transformers.userTransformer,
    groupTransformer: transformers.groupTransformer,
    logger,
  });
}

function byName<T extends Entity>(entities: T[], name: string): T {
  const found = entities.find(e => e.metadata.name === name);
  if (!found) {
    throw new Error(
      `no entity ${name} in ${entities.map(e => e.metadata.name).join(', ')}`,
    );
  }
  return found;
}

const annotation = (entity: Entity, key: string) =>
  entity.metadata.annotations?.[key];

const slapdBinary = findSlapd();
// CI must never pass by skipping: there the missing server fails every test below.
const describeWithSlapd =
  slapdBinary || process.env.CI ? describe : describe.skip;

describeWithSlapd('LDAP org ingestion against a real OpenLDAP slapd', () => {
  let slapd: Slapd;

  beforeAll(async () => {
    if (!slapdBinary) {
      throw new Error(
        'slapd (OpenLDAP server) is not installed, and CI is set: the LDAP org tests must run ' +
          'in CI. Install it with `apt-get install slapd ldap-utils`.',
      );
    }
    slapd = await startSlapd({
      slapd: slapdBinary,
      suffix: SUFFIX,
      ldif: buildLdif(),
    });
  }, 30_000);

  afterAll(async () => {
    await slapd?.stop();
  });

  describe('with the provider default naming (map.name = uid, the DNs’ naming attribute)', () => {
    let users: UserEntity[];
    let groups: GroupEntity[];

    beforeAll(async () => {
      const provider = readProvider(slapd);
      ({ users, groups } = await readOrg(
        provider,
        createCocrmLdapTransformers({
          users: provider.users,
          groups: provider.groups,
        }),
      ));
    }, 30_000);

    it('reads every user and department', () => {
      expect(users.map(u => u.metadata.name).sort()).toEqual(
        USERS.map(u => u.uid).sort(),
      );
      expect(groups.map(g => g.metadata.name).sort()).toEqual(
        GROUP_DATA.map(g => g.cn).sort(),
      );
    });

    it('writes each user’s supervisor from the manager DN', () => {
      const supervisors = Object.fromEntries(
        users.map(u => [
          u.metadata.name,
          annotation(u, COCRM_SUPERVISOR_ANNOTATION),
        ]),
      );
      expect(supervisors).toEqual({
        wangjianguo: undefined,
        zhaoqiang: 'user:default/wangjianguo',
        sunli: 'user:default/zhaoqiang',
        zhengwei: 'user:default/zhaoqiang',
        liming: 'user:default/sunli',
        chenjing: undefined,
        zhouyang: undefined,
      });
    });

    it('writes each department’s leader from the owner DN', () => {
      const leaders = Object.fromEntries(
        groups.map(g => [
          g.metadata.name,
          annotation(g, COCRM_LEADER_ANNOTATION),
        ]),
      );
      expect(leaders).toEqual({
        'shanghai-demo': 'user:default/wangjianguo',
        'gm-office': 'user:default/wangjianguo',
        sales: 'user:default/zhaoqiang',
        'sales-1': 'user:default/sunli',
        'sales-2': 'user:default/liming',
        finance: undefined,
      });
    });

    it('copies the job title, non-ASCII included', () => {
      expect(
        annotation(byName(users, 'zhaoqiang'), COCRM_TITLE_ANNOTATION),
      ).toBe('销售总监');
      expect(
        annotation(byName(users, 'zhengwei'), COCRM_TITLE_ANNOTATION),
      ).toBeUndefined();
      expect(byName(users, 'zhaoqiang').spec.profile?.displayName).toBe('赵强');
    });

    it('keeps the provider’s memberships and department tree', () => {
      expect(byName(users, 'liming').spec.memberOf).toEqual([
        'group:default/sales-1',
      ]);
      expect(byName(users, 'zhaoqiang').spec.memberOf).toEqual([
        'group:default/sales',
      ]);
      expect(byName(groups, 'sales').spec.parent).toBe(
        'group:default/shanghai-demo',
      );
      expect(byName(groups, 'sales').spec.children).toEqual([
        'group:default/sales-1',
        'group:default/sales-2',
      ]);
      expect(byName(groups, 'sales').spec.type).toBe('department');
      expect(byName(groups, 'shanghai-demo').spec.type).toBe('organization');
    });

    it('points every supervisor and leader at a user that was ingested', () => {
      const userRefs = new Set(users.map(u => stringifyEntityRef(u)));
      const refs = [
        ...users.map(u => annotation(u, COCRM_SUPERVISOR_ANNOTATION)),
        ...groups.map(g => annotation(g, COCRM_LEADER_ANNOTATION)),
      ].filter((r): r is string => !!r);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(userRefs).toContain(ref);
      }
    });
  });

  it('names references with map.name when it is not the DNs’ naming attribute', async () => {
    const provider = readProvider(slapd, { name: 'employeeNumber' });
    const transformers = createCocrmLdapTransformers({
      users: provider.users,
      groups: provider.groups,
    });
    const first = await readOrg(provider, transformers);
    // groups are read after all users, so leaders are exact from the first read on
    expect(
      annotation(byName(first.groups, 'sales'), COCRM_LEADER_ANNOTATION),
    ).toBe('user:default/e1002');
    // a supervisor read before their report is exact on the first read, any other one
    // from the next read on (the transformers remember every user DN they have named)
    const second = await readOrg(provider, transformers);
    const supervisors = Object.fromEntries(
      second.users.map(u => [
        u.metadata.name,
        annotation(u, COCRM_SUPERVISOR_ANNOTATION),
      ]),
    );
    expect(supervisors).toEqual({
      e1001: undefined,
      e1002: 'user:default/e1001',
      e1003: 'user:default/e1002',
      e1004: 'user:default/e1002',
      e1005: 'user:default/e1003',
      e1006: undefined,
      e1007: undefined,
    });
  }, 30_000);

  it('reads the attributes named in cocrm.ldap.*', async () => {
    const provider = readProvider(slapd);
    const attributes = readCocrmLdapAttributes(
      mockServices.rootConfig({
        data: {
          cocrm: {
            ldap: {
              supervisorAttribute: 'secretary',
              leaderAttribute: 'seeAlso',
              titleAttribute: 'employeeNumber',
            },
          },
        },
      }),
    );
    const { users, groups } = await readOrg(
      provider,
      createCocrmLdapTransformers({
        users: provider.users,
        groups: provider.groups,
        attributes,
      }),
    );
    const sunli = byName(users, 'sunli');
    expect(annotation(sunli, COCRM_SUPERVISOR_ANNOTATION)).toBe(
      'user:default/liming',
    );
    expect(annotation(sunli, COCRM_TITLE_ANNOTATION)).toBe('e1003');
    expect(
      annotation(byName(users, 'liming'), COCRM_SUPERVISOR_ANNOTATION),
    ).toBeUndefined();
    expect(annotation(byName(groups, 'sales'), COCRM_LEADER_ANNOTATION)).toBe(
      'user:default/sunli',
    );
    expect(
      annotation(byName(groups, 'sales-1'), COCRM_LEADER_ANNOTATION),
    ).toBeUndefined();
  }, 30_000);

  it('runs inside a backend: the feature loader adds the provider with these transformers', async () => {
    const catalog = createFakeCatalog();
    const backend = await startTestBackend({
      features: [
        catalog.plugin,
        cocrmOrgFeatureLoader,
        mockServices.rootConfig.factory({
          data: {
            catalog: { providers: { ldapOrg: { corp: providerData(slapd) } } },
          },
        }),
      ],
    });
    try {
      expect(catalog.providers.map(p => p.getProviderName())).toEqual([
        'LdapOrgEntityProvider:corp',
      ]);
      // the test scheduler runs the provider's refresh task at startup
      const entities = catalog.entities();
      const liming = entities.find(
        e => e.kind === 'User' && e.metadata.name === 'liming',
      );
      const sales = entities.find(
        e => e.kind === 'Group' && e.metadata.name === 'sales',
      );
      expect(liming && annotation(liming, COCRM_SUPERVISOR_ANNOTATION)).toBe(
        'user:default/sunli',
      );
      expect(sales && annotation(sales, COCRM_LEADER_ANNOTATION)).toBe(
        'user:default/zhaoqiang',
      );
    } finally {
      await backend.stop();
    }
  }, 30_000);
});
