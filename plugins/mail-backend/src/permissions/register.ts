import type { Knex } from 'knex';
import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import { mailPermissions } from '@cocrm/plugin-mail-common';
import { MailboxResource, accountResourceRef, accountRules, messageResourceRef, messageRules } from './rules';

/** The mailbox facts of accounts: owner and the owner's department. */
async function accountResources(knex: Knex, ids: string[]): Promise<Array<MailboxResource | undefined>> {
  const rows: Array<{ id: string; owner: string; owner_department: string | null }> = ids.length
    ? await knex('mail_accounts').whereIn('id', ids).whereNull('deleted_at').select('id', 'owner', 'owner_department')
    : [];
  const byId = new Map(rows.map(r => [r.id, r]));
  return ids.map(id => {
    const r = byId.get(id);
    return r ? { id, owners: [r.owner], departments: r.owner_department ? [r.owner_department] : [] } : undefined;
  });
}

/** A message is within a scope when one of the mailboxes holding a live copy is. */
async function messageResources(knex: Knex, ids: string[]): Promise<Array<MailboxResource | undefined>> {
  const rows: Array<{ message_id: string; owner: string; owner_department: string | null }> = ids.length
    ? await knex('mail_copies as c')
        .join('mail_accounts as a', 'a.id', 'c.account_id')
        .whereIn('c.message_id', ids)
        .whereNull('c.deleted_at')
        .whereNull('a.deleted_at')
        .select('c.message_id', 'a.owner', 'a.owner_department')
    : [];
  return ids.map(id => {
    const mine = rows.filter(r => r.message_id === id);
    if (!mine.length) return undefined;
    return { id, owners: mine.map(r => r.owner), departments: mine.flatMap(r => (r.owner_department ? [r.owner_department] : [])) };
  });
}

/** Registers the mail resource types with the suite's rules, and the basic permissions. */
export function registerMailPermissions(registry: PermissionsRegistryService, knex: Knex) {
  registry.addResourceType({
    resourceRef: accountResourceRef,
    permissions: mailPermissions.filter(p => isResourcePermission(p, accountResourceRef.resourceType)),
    rules: accountRules,
    getResources: ids => accountResources(knex, ids),
  });
  registry.addResourceType({
    resourceRef: messageResourceRef,
    permissions: mailPermissions.filter(p => isResourcePermission(p, messageResourceRef.resourceType)),
    rules: messageRules,
    getResources: ids => messageResources(knex, ids),
  });
  registry.addPermissions(mailPermissions.filter(p => !isResourcePermission(p)));
}
