import { CrmContactRef, CrmContractRef, CrmCustomerRef, CrmMatch, CrmRoutingClient, CrmUnavailableError } from '../CrmRoutingClient';

/**
 * The CRM's routing API in memory, answering as the real one promises:
 * addresses lower-cased, free-mail domains never matched by domain (unless a
 * test plants one to prove routing drops it anyway), deleted customers flagged.
 */
export class FakeCrm implements CrmRoutingClient {
  readonly customersById = new Map<string, { name: string; deleted: boolean; domains: string[] }>();
  readonly contactsById = new Map<string, { name: string; customerId: string; addresses: string[] }>();
  readonly contractsById = new Map<string, string>();
  /** domain registrations the real CRM would refuse (free mail), planted to test routing's own guard */
  readonly plantedDomains: Array<{ domain: string; customerId: string }> = [];
  down = false;
  readonly calls: Array<{ op: string; input: string[] }> = [];

  customer(id: string, name: string, domains: string[] = []): this {
    this.customersById.set(id, { name, deleted: false, domains });
    return this;
  }

  contact(id: string, customerId: string, name: string, addresses: string[]): this {
    this.contactsById.set(id, { name, customerId, addresses: addresses.map(a => a.toLowerCase()) });
    return this;
  }

  private check(op: string, input: string[]) {
    this.calls.push({ op, input });
    if (this.down) throw new CrmUnavailableError('CRM not reachable: connect ECONNREFUSED');
  }

  async match(addresses: string[]): Promise<CrmMatch> {
    this.check('match', addresses);
    const wanted = new Set(addresses.map(a => a.toLowerCase()));
    const contacts: CrmMatch['contacts'] = [];
    for (const [contactId, c] of this.contactsById) {
      const customer = this.customersById.get(c.customerId);
      if (!customer || customer.deleted) continue;
      for (const address of c.addresses) if (wanted.has(address)) contacts.push({ address, contactId, customerId: c.customerId });
    }
    const domainsAsked = new Set([...wanted].map(a => a.slice(a.lastIndexOf('@') + 1)));
    const domains: CrmMatch['domains'] = [];
    for (const [customerId, c] of this.customersById) {
      if (c.deleted) continue;
      for (const domain of c.domains) if (domainsAsked.has(domain)) domains.push({ domain, customerId });
    }
    for (const p of this.plantedDomains) if (domainsAsked.has(p.domain)) domains.push(p);
    return { contacts, domains };
  }

  async customers(ids: string[]): Promise<CrmCustomerRef[]> {
    this.check('customers', ids);
    return ids.flatMap(id => {
      const c = this.customersById.get(id);
      return c ? [{ id, name: c.name, deleted: c.deleted }] : [];
    });
  }

  async contacts(ids: string[]): Promise<CrmContactRef[]> {
    this.check('contacts', ids);
    return ids.flatMap(id => {
      const c = this.contactsById.get(id);
      return c ? [{ id, name: c.name, customerId: c.customerId, deleted: false }] : [];
    });
  }

  async contracts(ids: string[]): Promise<CrmContractRef[]> {
    this.check('contracts', ids);
    return ids.flatMap(id => {
      const customerId = this.contractsById.get(id);
      return customerId ? [{ id, customerId }] : [];
    });
  }
}
