import { Knex } from 'knex';
import { z } from 'zod';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { PermissionResourceRef, PermissionRuleset } from '@backstage/plugin-permission-node';
import {
  createPermissionResourceRef,
  createPermissionRule,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { SUITE_RULES } from '@cocrm/plugin-access-common';
import { MAIL_ACCOUNT_MODEL, MAIL_MESSAGE_MODEL } from '@cocrm/plugin-mail-common';

/** What the suite's rules become before they become SQL: the mailbox's owner, and the owner's department when connected. */
export type MailboxQuery = { kind: 'isOwner'; userRefs: string[] } | { kind: 'inDepartment'; departmentRefs: string[] };

/** What the permission framework sees of a mailbox (and of a message: the mailboxes holding it) in memory. */
export interface MailboxResource {
  id: string;
  owners: string[];
  departments: string[];
}

export const accountResourceRef = createPermissionResourceRef<MailboxResource, MailboxQuery>().with({
  pluginId: 'mail',
  resourceType: MAIL_ACCOUNT_MODEL.resourceType as 'mail-account',
});
export const messageResourceRef = createPermissionResourceRef<MailboxResource, MailboxQuery>().with({
  pluginId: 'mail',
  resourceType: MAIL_MESSAGE_MODEL.resourceType as 'mail-message',
});

function rulesFor<T extends string>(resourceRef: PermissionResourceRef<MailboxResource, MailboxQuery, T, 'mail'>) {
  return [
    createPermissionRule({
      name: SUITE_RULES.isOwner,
      description: 'Mailboxes (and their mail) owned by one of the given users',
      resourceRef,
      paramsSchema: z.object({ userRefs: z.array(z.string()).describe('Catalog user refs') }),
      apply: (r: MailboxResource, { userRefs }) => r.owners.some(o => userRefs.includes(o)),
      toQuery: ({ userRefs }): MailboxQuery => ({ kind: 'isOwner', userRefs }),
    }),
    createPermissionRule({
      name: SUITE_RULES.inDepartment,
      description: "Mailboxes (and their mail) whose owner's department is one of the given groups",
      resourceRef,
      paramsSchema: z.object({ departmentRefs: z.array(z.string()).describe('Catalog group refs') }),
      apply: (r: MailboxResource, { departmentRefs }) => r.departments.some(d => departmentRefs.includes(d)),
      toQuery: ({ departmentRefs }): MailboxQuery => ({ kind: 'inDepartment', departmentRefs }),
    }),
  ];
}

export const accountRules = rulesFor(accountResourceRef);
export const messageRules = rulesFor(messageResourceRef);

/** The same two rules serve both resource types; SQL needs only their names and params. */
export const mailboxRuleset: PermissionRuleset<MailboxResource, MailboxQuery, 'mail-account'> = {
  getRuleByName(name) {
    const rule = accountRules.find(r => r.name === name);
    if (!rule) throw new Error(`unknown mail permission rule ${name}`);
    return rule;
  },
};

/** Adds a data-scope filter on mailboxes aliased `alias` (columns owner, owner_department). */
export function whereMailboxInScope(qb: Knex.QueryBuilder, criteria: PermissionCriteria<MailboxQuery>, alias: string): void {
  if (isAndCriteria(criteria)) {
    if (criteria.allOf.length === 0) return;
    for (const c of criteria.allOf) qb.andWhere(b => whereMailboxInScope(b, c, alias));
  } else if (isOrCriteria(criteria)) {
    if (criteria.anyOf.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    for (const c of criteria.anyOf) qb.orWhere(b => whereMailboxInScope(b, c, alias));
  } else if (isNotCriteria(criteria)) {
    qb.whereNot(b => whereMailboxInScope(b, criteria.not, alias));
  } else if (criteria.kind === 'isOwner') {
    if (criteria.userRefs.length === 0) qb.whereRaw('1 = 0');
    else qb.whereIn(`${alias}.owner`, criteria.userRefs);
  } else if (criteria.departmentRefs.length === 0) {
    qb.whereRaw('1 = 0');
  } else {
    qb.whereIn(`${alias}.owner_department`, criteria.departmentRefs);
  }
}
