import {
  MailRoutingContactsResponse,
  MailRoutingContractsResponse,
  MailRoutingCustomersResponse,
  MailRoutingMatchResponse,
  isFreeMailDomain,
  isValidMailDomain,
  mailDomainOf,
  normalizeMailAddress,
} from '@cocrm/plugin-crm-common';
import { MailLookupStore } from '../database/MailLookupStore';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Distinct UUIDs only: anything else names no record, and PostgreSQL would refuse it in a uuid comparison. */
function recordIds(ids: string[]): string[] {
  return [...new Set(ids.filter(id => UUID.test(id)).map(id => id.toLowerCase()))];
}

/**
 * Facts for the mail plugin's routing: whose addresses and domains these are,
 * and the names of records it links to. No data scope applies here: the mail
 * plugin asks as itself and checks each viewer's permission on the customer
 * before it shows anything.
 */
export class MailRoutingService {
  constructor(private readonly store: MailLookupStore) {}

  async match(addresses: string[]): Promise<MailRoutingMatchResponse> {
    const normalized = [...new Set(addresses.map(normalizeMailAddress).filter(a => a.includes('@')))];
    // addresses at a public provider identify a person (a contact), never a company
    const domains = [...new Set(normalized.map(mailDomainOf))].filter(
      (d): d is string => d !== undefined && isValidMailDomain(d) && !isFreeMailDomain(d),
    );
    const [contacts, byDomain] = await Promise.all([this.store.contactsByAddress(normalized), this.store.customersByDomain(domains)]);
    return { contacts, domains: byDomain };
  }

  async customers(ids: string[]): Promise<MailRoutingCustomersResponse> {
    return { items: await this.store.customers(recordIds(ids)) };
  }

  async contacts(ids: string[]): Promise<MailRoutingContactsResponse> {
    return { items: await this.store.contacts(recordIds(ids)) };
  }

  async contracts(ids: string[]): Promise<MailRoutingContractsResponse> {
    return { items: await this.store.contracts(recordIds(ids)) };
  }
}
