import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  GroupConfig,
  GroupTransformer,
  LDAP_DN_ANNOTATION,
  UserConfig,
  UserTransformer,
  defaultGroupTransformer,
  defaultUserTransformer,
  mapStringAttr,
} from '@backstage/plugin-catalog-backend-module-ldap';
import {
  COCRM_LEADER_ANNOTATION,
  COCRM_SUPERVISOR_ANNOTATION,
  COCRM_TITLE_ANNOTATION,
} from '../annotations';
import { Rdn, dnKey, isBelow, parseDn, rdnsKey } from './dn';
import { pickLeastRef } from '../refs';

/**
 * Which LDAP attributes carry what the suite needs (config `cocrm.ldap.*`).
 *
 * @public
 */
export interface CocrmLdapAttributes {
  /** On a user: the DN of the direct supervisor. */
  supervisorAttribute: string;
  /** On a group: the DN of the department leader. */
  leaderAttribute: string;
  /** On a user: the job title, copied as is. */
  titleAttribute: string;
}

/** @public */
export const DEFAULT_COCRM_LDAP_ATTRIBUTES: Readonly<CocrmLdapAttributes> = {
  supervisorAttribute: 'manager',
  leaderAttribute: 'owner',
  titleAttribute: 'title',
};

/**
 * Reads `cocrm.ldap.*`, falling back to the inetOrgPerson / groupOfNames attributes.
 *
 * @public
 */
export function readCocrmLdapAttributes(
  config: RootConfigService,
): CocrmLdapAttributes {
  const d = DEFAULT_COCRM_LDAP_ATTRIBUTES;
  return {
    supervisorAttribute:
      config.getOptionalString('cocrm.ldap.supervisorAttribute') ??
      d.supervisorAttribute,
    leaderAttribute:
      config.getOptionalString('cocrm.ldap.leaderAttribute') ??
      d.leaderAttribute,
    titleAttribute:
      config.getOptionalString('cocrm.ldap.titleAttribute') ?? d.titleAttribute,
  };
}

/** @public */
export interface CocrmLdapTransformersOptions {
  /**
   * The `users` entries of the LDAP provider these transformers serve (as returned by the
   * module's `readProviderConfigs`): their base DNs, `map.name` and `set` decide how a
   * manager's or owner's DN becomes a user entity ref.
   */
  users: readonly UserConfig[];
  /** The provider's `groups` entries: an owner DN below one of their bases is not a person. */
  groups?: readonly GroupConfig[];
  attributes?: Partial<CocrmLdapAttributes>;
  logger?: LoggerService;
}

/** @public */
export interface CocrmLdapTransformers {
  userTransformer: UserTransformer;
  groupTransformer: GroupTransformer;
  /** The DN → user entity ref rule the transformers apply (see README: naming rule). */
  resolveUserDn(dn: string): string | undefined;
}

interface UserBase {
  base: Rdn[];
  nameAttribute: string;
  namespace: string;
}

/**
 * Transformers for the LDAP org provider: the provider's defaults, plus the supervisor,
 * leader and title annotations.
 *
 * One instance per provider: it remembers the DN → entity ref of every user it has
 * transformed, which is what makes references exact when `map.name` is not the naming
 * attribute of the DNs.
 *
 * @public
 */
export function createCocrmLdapTransformers(
  options: CocrmLdapTransformersOptions,
): CocrmLdapTransformers {
  const attributes: CocrmLdapAttributes = {
    ...DEFAULT_COCRM_LDAP_ATTRIBUTES,
    ...definedOnly(options.attributes),
  };
  const logger = options.logger;
  const userBases = options.users.flatMap(toUserBase);
  const groupBases = (options.groups ?? []).flatMap(g => {
    const base = parseDn(g.dn);
    return base ? [base] : [];
  });
  // Grows with the directory, never with time: one entry per user DN ever ingested.
  const knownUsers = new Map<string, string>();

  function resolveUserDn(dn: string): string | undefined {
    const rdns = parseDn(dn);
    if (!rdns) {
      logger?.debug(`Ignoring unparsable DN reference ${JSON.stringify(dn)}`);
      return undefined;
    }
    const known = knownUsers.get(rdnsKey(rdns));
    if (known) {
      return known;
    }
    const userBase = longestBaseAbove(rdns, userBases, b => b.base);
    if (!userBase && groupBases.some(base => isBelow(rdns, base))) {
      return undefined;
    }
    const naming = rdns[0];
    const nameAttribute = userBase?.nameAttribute.toLowerCase();
    const ava =
      naming.find(a => a.type.toLowerCase() === nameAttribute) ?? naming[0];
    return stringifyEntityRef({
      kind: 'User',
      namespace: userBase?.namespace ?? DEFAULT_NAMESPACE,
      name: ava.value,
    });
  }

  const userTransformer: UserTransformer = async (vendor, config, entry) => {
    const entity = await defaultUserTransformer(vendor, config, entry);
    if (!entity) {
      return undefined;
    }
    const ownRef = stringifyEntityRef(entity);
    const ownDn = entity.metadata.annotations?.[LDAP_DN_ANNOTATION];
    const ownKey = ownDn ? dnKey(ownDn) : undefined;
    if (ownKey) {
      knownUsers.set(ownKey, ownRef);
    }
    const annotations: Record<string, string> = {
      ...entity.metadata.annotations,
    };

    const supervisorDns = vendor
      .decodeStringAttribute(entry, attributes.supervisorAttribute)
      .filter(dn => ownKey === undefined || dnKey(dn) !== ownKey);
    const supervisor = pickLeastRef(supervisorDns.map(resolveUserDn), ownRef);
    if (supervisor) {
      annotations[COCRM_SUPERVISOR_ANNOTATION] = supervisor;
    }
    mapStringAttr(entry, vendor, attributes.titleAttribute, title => {
      annotations[COCRM_TITLE_ANNOTATION] = title;
    });

    return { ...entity, metadata: { ...entity.metadata, annotations } };
  };

  const groupTransformer: GroupTransformer = async (vendor, config, entry) => {
    const entity = await defaultGroupTransformer(vendor, config, entry);
    if (!entity) {
      return undefined;
    }
    const leader = pickLeastRef(
      vendor
        .decodeStringAttribute(entry, attributes.leaderAttribute)
        .map(resolveUserDn),
    );
    if (!leader) {
      return entity;
    }
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [COCRM_LEADER_ANNOTATION]: leader,
        },
      },
    };
  };

  return { userTransformer, groupTransformer, resolveUserDn };
}

function toUserBase(config: UserConfig): UserBase[] {
  const base = parseDn(config.dn);
  if (!base) {
    return [];
  }
  return [
    {
      base,
      nameAttribute: config.map.name,
      namespace: namespaceFromSet(config.set) ?? DEFAULT_NAMESPACE,
    },
  ];
}

function longestBaseAbove<T>(
  dn: Rdn[],
  candidates: readonly T[],
  baseOf: (candidate: T) => Rdn[],
): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) {
    const base = baseOf(candidate);
    if (isBelow(dn, base) && (!best || base.length > baseOf(best).length)) {
      best = candidate;
    }
  }
  return best;
}

/**
 * The namespace a users entry's `set` gives its entities. The provider applies `set` with
 * lodash paths, so both `metadata.namespace: x` and `metadata: { namespace: x }` occur.
 */
function namespaceFromSet(set: UserConfig['set']): string | undefined {
  if (!set) {
    return undefined;
  }
  const direct = set['metadata.namespace'];
  if (typeof direct === 'string') {
    return direct;
  }
  const metadata = set.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const namespace = metadata.namespace;
    return typeof namespace === 'string' ? namespace : undefined;
  }
  return undefined;
}

function definedOnly<T extends object>(
  value: Partial<T> | undefined,
): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
