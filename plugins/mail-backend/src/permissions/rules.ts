import { z } from 'zod';
import type { PermissionResourceRef, PermissionRuleset } from '@backstage/plugin-permission-node';
import { createPermissionResourceRef, createPermissionRule } from '@backstage/plugin-permission-node';
import type { ScopeQuery } from '@cocrm/plugin-access-node';
import { SUITE_RULES } from '@cocrm/plugin-access-common';
import { MAIL_ACCOUNT_MODEL, MAIL_MESSAGE_MODEL } from '@cocrm/plugin-mail-common';

/** What the suite's rules become before they become SQL (whereInScope of access-node): the mailbox's owner, and the owner's department when connected. */
export type MailboxQuery = ScopeQuery;

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
