import { Knex } from 'knex';

/** Most values in one `IN (…)`: well below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const CHUNK = 500;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/**
 * The mail plugin's questions to the CRM, answered from the indexes kept for
 * them: contacts by address (crm_contact_emails.email) and customers by
 * 邮箱域名 (crm_customer_mail_domains, live customers only).
 */
export class MailLookupStore {
  constructor(private readonly knex: Knex) {}

  /** Live contacts of live customers with one of the (lower-cased) addresses. */
  async contactsByAddress(addresses: string[]): Promise<Array<{ address: string; contactId: string; customerId: string }>> {
    const out: Array<{ address: string; contactId: string; customerId: string }> = [];
    for (const part of chunks(addresses)) {
      const rows: Array<{ email: string; contact_id: string; customer_id: string }> = await this.knex('crm_contact_emails as e')
        .join('crm_contacts as p', 'p.id', 'e.contact_id')
        .join('crm_customers as c', 'c.id', 'p.customer_id')
        .whereIn('e.email', part)
        .whereNull('p.deleted_at')
        .whereNull('c.deleted_at')
        .select('e.email', 'e.contact_id', 'p.customer_id')
        .orderBy(['e.email', 'e.contact_id']);
      out.push(...rows.map(r => ({ address: r.email, contactId: r.contact_id, customerId: r.customer_id })));
    }
    return out;
  }

  /** The live customer holding each of `domains` that one holds. */
  async customersByDomain(domains: string[]): Promise<Array<{ domain: string; customerId: string }>> {
    const out: Array<{ domain: string; customerId: string }> = [];
    for (const part of chunks(domains)) {
      const rows: Array<{ domain: string; customer_id: string }> = await this.knex('crm_customer_mail_domains as d')
        .join('crm_customers as c', 'c.id', 'd.customer_id')
        .whereIn('d.domain', part)
        // the lookup holds live customers only; the join keeps a row written around the API from leaking a deleted one
        .whereNull('c.deleted_at')
        .select('d.domain', 'd.customer_id')
        .orderBy('d.domain');
      out.push(...rows.map(r => ({ domain: r.domain, customerId: r.customer_id })));
    }
    return out;
  }

  async customers(ids: string[]): Promise<Array<{ id: string; name: string; deleted: boolean }>> {
    const out: Array<{ id: string; name: string; deleted: boolean }> = [];
    for (const part of chunks(ids)) {
      const rows: Array<{ id: string; name: string; deleted_at: unknown }> = await this.knex('crm_customers').whereIn('id', part).select('id', 'name', 'deleted_at');
      out.push(...rows.map(r => ({ id: r.id, name: r.name, deleted: r.deleted_at !== null && r.deleted_at !== undefined })));
    }
    return out;
  }

  async contacts(ids: string[]): Promise<Array<{ id: string; name: string; customerId: string; deleted: boolean }>> {
    const out: Array<{ id: string; name: string; customerId: string; deleted: boolean }> = [];
    for (const part of chunks(ids)) {
      const rows: Array<{ id: string; name: string; customer_id: string; deleted_at: unknown; customer_deleted_at: unknown }> = await this.knex('crm_contacts as p')
        .join('crm_customers as c', 'c.id', 'p.customer_id')
        .whereIn('p.id', part)
        .select('p.id', 'p.name', 'p.customer_id', 'p.deleted_at', 'c.deleted_at as customer_deleted_at');
      out.push(
        ...rows.map(r => ({
          id: r.id,
          name: r.name,
          customerId: r.customer_id,
          deleted: (r.deleted_at ?? null) !== null || (r.customer_deleted_at ?? null) !== null,
        })),
      );
    }
    return out;
  }

  async contracts(ids: string[]): Promise<Array<{ id: string; customerId: string; deleted: boolean }>> {
    const out: Array<{ id: string; customerId: string; deleted: boolean }> = [];
    for (const part of chunks(ids)) {
      const rows: Array<{ id: string; customer_id: string; deleted_at: unknown; customer_deleted_at: unknown }> = await this.knex('crm_contracts as k')
        .join('crm_customers as c', 'c.id', 'k.customer_id')
        .whereIn('k.id', part)
        .select('k.id', 'k.customer_id', 'k.deleted_at', 'c.deleted_at as customer_deleted_at');
      out.push(
        ...rows.map(r => ({ id: r.id, customerId: r.customer_id, deleted: (r.deleted_at ?? null) !== null || (r.customer_deleted_at ?? null) !== null })),
      );
    }
    return out;
  }
}
