import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { toBool, toIso } from '@cocrm/plugin-access-node';
import type { ThreadLink } from '@cocrm/plugin-mail-common';
import { MailError } from '../errors';
import type { MailboxAccess } from '../service/MailboxAccess';
import { CrmRoutingClient, CrmUnavailableError } from './CrmRoutingClient';
import type { CustomerVisibility } from './CustomerVisibility';
import type { LinkRow } from './linkRows';

const actorOf = (credentials: BackstageCredentials) => (credentials.principal as { userEntityRef?: string }).userEntityRef ?? 'unknown';

/**
 * A thread's customers as the reader sees them, and the reader's manual
 * choices: link a customer by hand, or unlink one — both kept by re-matching.
 * Acting on a thread needs a readable copy of one of its messages; acting on a
 * customer needs the CRM's read permission. Customers the caller may not see
 * are left out of every answer.
 */
export class ThreadLinks {
  constructor(
    private readonly deps: {
      knex: Knex;
      access: Pick<MailboxAccess, 'readableAccountIds'>;
      customers: CustomerVisibility;
      crm: CrmRoutingClient;
      logger: LoggerService;
    },
  ) {}

  /** `GET /threads/:threadId/links`: 404 unless the caller reads the thread. */
  async list(credentials: BackstageCredentials, threadId: string): Promise<ThreadLink[]> {
    await this.assertThreadReadable(credentials, threadId);
    return (await this.linksOf(credentials, [threadId])).get(threadId) ?? [];
  }

  /**
   * Links of threads the caller already reads (webmail's thread list and view):
   * only customers the caller may see, the CRM's current names (the stored
   * name when the CRM cannot answer), none of customers in the recycle bin.
   */
  async linksOf(credentials: BackstageCredentials, threadIds: string[]): Promise<Map<string, ThreadLink[]>> {
    const out = new Map<string, ThreadLink[]>();
    const unique = [...new Set(threadIds)];
    if (!unique.length) return out;
    const rows: LinkRow[] = await this.deps.knex('mail_links').whereIn('thread_id', unique).orderBy('created_at').orderBy('id');
    const visible = await this.deps.customers.visible(credentials, rows.map(r => r.customer_id));
    const shown = rows.filter(r => visible.has(r.customer_id));
    const names = new Map<string, string>();
    const deleted = new Set<string>();
    if (shown.length) {
      try {
        for (const c of await this.deps.crm.customers([...new Set(shown.map(r => r.customer_id))])) {
          names.set(c.id, c.name);
          if (c.deleted) deleted.add(c.id);
        }
      } catch (e) {
        if (!CrmUnavailableError.is(e)) throw e;
        this.deps.logger.warn(`Customer names for mail links: ${e.message}`);
      }
    }
    for (const r of shown) {
      if (deleted.has(r.customer_id)) continue;
      if (!out.has(r.thread_id)) out.set(r.thread_id, []);
      out.get(r.thread_id)!.push(toLink(r, names.get(r.customer_id)));
    }
    return out;
  }

  /** A manual link: kept whatever matching says later. */
  async link(credentials: BackstageCredentials, threadId: string, customerId: string): Promise<ThreadLink> {
    await this.assertThreadReadable(credentials, threadId);
    await this.assertCustomerVisible(credentials, customerId);
    let customer;
    try {
      [customer] = await this.deps.crm.customers([customerId]);
    } catch (e) {
      if (CrmUnavailableError.is(e)) throw new MailError(503, 'crmUnavailable');
      throw e;
    }
    if (!customer || customer.deleted) throw new MailError(404, 'customerNotFound');
    await this.choose(credentials, threadId, customerId, 'linked', customer.name);
    const row: LinkRow = await this.deps.knex('mail_links').where({ thread_id: threadId, customer_id: customerId }).first();
    return toLink(row, customer.name);
  }

  /** A manual unlink: the customer stays off this thread even when its contacts write again. */
  async unlink(credentials: BackstageCredentials, threadId: string, customerId: string): Promise<void> {
    await this.assertThreadReadable(credentials, threadId);
    await this.assertCustomerVisible(credentials, customerId);
    await this.choose(credentials, threadId, customerId, 'unlinked', null);
  }

  private async choose(credentials: BackstageCredentials, threadId: string, customerId: string, state: 'linked' | 'unlinked', name: string | null) {
    const { knex } = this.deps;
    const actor = actorOf(credentials);
    const now = new Date();
    const contacts: Array<{ contact_id: string }> = await knex('mail_message_contacts as mt')
      .join('mail_messages as m', 'm.id', 'mt.message_id')
      .where({ 'm.thread_id': threadId, 'mt.customer_id': customerId })
      .distinct('mt.contact_id');
    const choice = { source: 'manual', state, manual: true, updated_by: actor, updated_at: now, ...(name ? { customer_name: name } : {}) };
    await knex('mail_links')
      .insert({
        id: randomUUID(),
        thread_id: threadId,
        customer_id: customerId,
        customer_name: name,
        contact_ids: JSON.stringify(contacts.map(c => c.contact_id).sort()),
        created_by: actor,
        created_at: now,
        ...choice,
      })
      .onConflict(['thread_id', 'customer_id'])
      .merge(choice);
  }

  private async assertThreadReadable(credentials: BackstageCredentials, threadId: string): Promise<void> {
    const { knex, access } = this.deps;
    const readable = await access.readableAccountIds(credentials);
    const found = await knex('mail_messages as m')
      .where('m.thread_id', threadId)
      .whereExists(
        knex('mail_copies as c').whereRaw('c.message_id = m.id').whereNull('c.deleted_at').whereIn('c.account_id', readable).select(knex.raw('1')),
      )
      .first('m.id');
    if (!found) throw new MailError(404, 'threadNotFound');
  }

  private async assertCustomerVisible(credentials: BackstageCredentials, customerId: string): Promise<void> {
    if (!(await this.deps.customers.maySee(credentials, customerId))) throw new MailError(404, 'customerNotFound');
  }
}

function toLink(r: LinkRow, name: string | undefined): ThreadLink {
  const manual = toBool(r.manual);
  return {
    customerId: r.customer_id,
    customerName: name ?? r.customer_name ?? '',
    contactIds: JSON.parse(r.contact_ids) as string[],
    source: r.source,
    state: r.state,
    manual,
    by: manual ? r.updated_by : null,
    at: toIso(r.updated_at),
  };
}
