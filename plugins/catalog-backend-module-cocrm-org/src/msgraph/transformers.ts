import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  GroupEntity,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  GroupTransformer,
  OrganizationTransformer,
  UserTransformer,
  defaultGroupTransformer,
  defaultOrganizationTransformer,
  defaultUserTransformer,
  normalizeEntityName,
} from '@backstage/plugin-catalog-backend-module-msgraph';
import {
  COCRM_LEADER_ANNOTATION,
  COCRM_SUPERVISOR_ANNOTATION,
  COCRM_TITLE_ANNOTATION,
} from '../annotations';
import { pickLeastRef } from '../refs';

/** @public */
export interface CocrmMsGraphOptions {
  /**
   * A group property holding the leader (e.g. a directory extension
   * `extension_<appId>_leader`, which must then be listed in the provider's `group.select`):
   * the leader's object id, mail or userPrincipalName. When unset, the leader is the group's
   * owner, which needs `group.expand: owners`.
   */
  leaderProperty?: string;
}

/**
 * Reads `cocrm.msgraph.*`.
 *
 * @public
 */
export function readCocrmMsGraphOptions(
  config: RootConfigService,
): CocrmMsGraphOptions {
  return {
    leaderProperty: config.getOptionalString('cocrm.msgraph.leaderProperty'),
  };
}

/** @public */
export interface CocrmMsGraphTransformers {
  userTransformer: UserTransformer;
  groupTransformer: GroupTransformer;
  organizationTransformer: OrganizationTransformer;
}

const GRAPH_USER_TYPE = '#microsoft.graph.user';
const validator = makeValidator();

/**
 * Transformers for the Microsoft Graph org provider: the provider's defaults, plus the
 * supervisor (from an expanded `manager`), leader (owners or a property) and title
 * (`jobTitle`) annotations.
 *
 * One instance per provider: it remembers the id, mail and UPN of every user it has
 * transformed. The provider reads all users before any group, so a leader given by object
 * id always resolves to the user as ingested.
 *
 * @public
 */
export function createCocrmMsGraphTransformers(
  options: CocrmMsGraphOptions & { logger?: LoggerService } = {},
): CocrmMsGraphTransformers {
  const { leaderProperty, logger } = options;
  const knownUsers = new Map<string, string>();

  function refOfDirectoryObject(value: unknown): string | undefined {
    if (!isRecord(value)) {
      return undefined;
    }
    const type = value['@odata.type'];
    // owners can be service principals; a manager can only be a user, and is typed anyway
    if (typeof type === 'string' && type !== GRAPH_USER_TYPE) {
      return undefined;
    }
    const id = stringOf(value.id);
    const known = id ? knownUsers.get(id.toLowerCase()) : undefined;
    if (known) {
      return known;
    }
    const name = userEntityName(
      stringOf(value.mail),
      stringOf(value.userPrincipalName),
    );
    return name ? userRef(name) : undefined;
  }

  function refOfIdentifier(value: string): string | undefined {
    const key = value.trim().toLowerCase();
    if (!key) {
      return undefined;
    }
    const known = knownUsers.get(key);
    if (known) {
      return known;
    }
    if (key.includes('@')) {
      // assumed to be what names the user (mail, else UPN): right unless a user's mail
      // and UPN differ and the property holds the UPN of someone not ingested
      return userRef(normalizeEntityName(key));
    }
    const quoted = JSON.stringify(value);
    logger?.warn(
      `Leader ${quoted} is neither the object id nor the mail or userPrincipalName ` +
        `of an ingested user; no ${COCRM_LEADER_ANNOTATION} written`,
    );
    return undefined;
  }

  const userTransformer: UserTransformer = async (user, userPhoto) => {
    const entity = await defaultUserTransformer(user, userPhoto);
    if (!entity) {
      return undefined;
    }
    const ownRef = stringifyEntityRef(entity);
    for (const key of [user.id, user.mail, user.userPrincipalName]) {
      if (key) {
        knownUsers.set(key.toLowerCase(), ownRef);
      }
    }
    const annotations: Record<string, string> = {
      ...entity.metadata.annotations,
    };
    const manager = user.manager;
    if (manager && manager.id !== user.id) {
      const supervisor = pickLeastRef([refOfDirectoryObject(manager)], ownRef);
      if (supervisor) {
        annotations[COCRM_SUPERVISOR_ANNOTATION] = supervisor;
      }
    }
    if (user.jobTitle) {
      annotations[COCRM_TITLE_ANNOTATION] = user.jobTitle;
    }
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  };

  const groupTransformer: GroupTransformer = async (group, groupPhoto) => {
    const entity = withValidName(
      await defaultGroupTransformer(group, groupPhoto),
      [group.mailNickname, group.id],
    );
    if (!entity) {
      return undefined;
    }
    const candidates = leaderProperty
      ? stringsOf(propertyOf(group, leaderProperty)).map(refOfIdentifier)
      : (group.owners ?? []).map(refOfDirectoryObject);
    const leader = pickLeastRef(candidates);
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

  const organizationTransformer: OrganizationTransformer = async org =>
    withValidName(await defaultOrganizationTransformer(org), [
      org.verifiedDomains?.find(d => d.isDefault)?.name,
      org.id,
    ]);

  return { userTransformer, groupTransformer, organizationTransformer };
}

/**
 * The default transformers name groups and the tenant after their display name, keeping
 * ASCII only: a security group called 销售部 or a tenant called 上海示例科技有限公司 comes out
 * with an empty name, which the catalog rejects, and the department tree falls apart. Such
 * entities are named after the first usable fallback instead (mailNickname / default
 * domain, then the object id). The provider links groups by object id, so renaming here
 * keeps parents, children and memberships intact.
 */
function withValidName(
  entity: GroupEntity | undefined,
  fallbacks: ReadonlyArray<string | null | undefined>,
): GroupEntity | undefined {
  if (!entity || validator.isValidEntityName(entity.metadata.name)) {
    return entity;
  }
  const name = fallbacks
    .map(f => (f ? normalizeEntityName(f) : ''))
    .find(candidate => validator.isValidEntityName(candidate));
  return name ? { ...entity, metadata: { ...entity.metadata, name } } : entity;
}

/**
 * The entity name the provider's default user transformer gives a user: from the mail when
 * there is one, else from the userPrincipalName. Kept identical so that refs match.
 */
export function userEntityName(
  mail: string | undefined,
  userPrincipalName: string | undefined,
): string | undefined {
  const source = mail ? mail : userPrincipalName;
  return source ? normalizeEntityName(source) || undefined : undefined;
}

function userRef(name: string): string {
  return stringifyEntityRef({
    kind: 'User',
    namespace: DEFAULT_NAMESPACE,
    name,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringsOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

function propertyOf(object: object, property: string): unknown {
  return Object.entries(object).find(([key]) => key === property)?.[1];
}
