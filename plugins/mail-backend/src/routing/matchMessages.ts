import { isFreeMailDomain } from '@cocrm/plugin-crm-common';
import type { RecordRef } from '@cocrm/plugin-mail-common';
import type { CrmRoutingClient } from './CrmRoutingClient';
import type { MessageMatch } from './linkRows';
import { domainOf, externalParticipants, InternalAddresses, recordRefs, RoutableMessage, Direction } from './participants';

export interface MatchPlan {
  /** per message id: the customers it reaches and how */
  matches: Map<string, MessageMatch[]>;
  /** names of every live customer matched */
  names: Map<string, string>;
  /** inbound messages whose sender the CRM knows neither by contact nor by domain */
  unknownSender: Set<string>;
  /** external addresses the CRM knows (their lead suggestions are obsolete) */
  known: Set<string>;
}

/**
 * Asks the CRM once for a batch: contacts by address, customers by domain
 * (only for an address no contact has), and the records named by suite
 * Message-IDs. Customers the CRM reports deleted or does not know are dropped.
 */
export async function matchMessages(
  crm: CrmRoutingClient,
  messages: Array<RoutableMessage & { direction: Direction }>,
  internal: InternalAddresses,
): Promise<MatchPlan> {
  const externals = new Map(messages.map(m => [m.id, externalParticipants(m, internal)]));
  const addresses = [...new Set([...externals.values()].flat())];
  const found = addresses.length ? await crm.match(addresses) : { contacts: [], domains: [] };

  const contactsOf = new Map<string, Array<{ contactId: string; customerId: string }>>();
  for (const c of found.contacts) {
    const a = c.address.toLowerCase();
    if (!contactsOf.has(a)) contactsOf.set(a, []);
    contactsOf.get(a)!.push({ contactId: c.contactId, customerId: c.customerId });
  }
  const customersOfDomain = new Map<string, string[]>();
  for (const d of found.domains) {
    const domain = d.domain.toLowerCase();
    // the CRM refuses free-mail domains already; a stale registration must still never route everyone at qq.com to one customer
    if (isFreeMailDomain(domain)) continue;
    customersOfDomain.set(domain, [...(customersOfDomain.get(domain) ?? []), d.customerId]);
  }

  const refs = new Map(messages.map(m => [m.id, recordRefs(m, m.direction)]));
  const customerOfRecord = await resolveRecords(crm, [...refs.values()].flat());

  const wanted = new Set<string>([...found.contacts.map(c => c.customerId), ...[...customersOfDomain.values()].flat(), ...customerOfRecord.values()]);
  const live = wanted.size ? (await crm.customers([...wanted])).filter(c => !c.deleted) : [];
  const names = new Map(live.map(c => [c.id, c.name]));

  const plan: MatchPlan = { matches: new Map(), names, unknownSender: new Set(), known: new Set() };
  for (const m of messages) {
    const byCustomer = new Map<string, MessageMatch>();
    const add = (customerId: string, source: MessageMatch['source'], contactId?: string) => {
      if (!names.has(customerId)) return;
      const rank = { contact: 3, record: 2, domain: 1 };
      const had = byCustomer.get(customerId);
      if (!had) byCustomer.set(customerId, { customerId, source, contactIds: contactId ? [contactId] : [] });
      else {
        if (rank[source] > rank[had.source]) had.source = source;
        if (contactId && !had.contactIds.includes(contactId)) had.contactIds.push(contactId);
      }
    };
    for (const address of externals.get(m.id) ?? []) {
      const contacts = contactsOf.get(address);
      if (contacts?.length) {
        plan.known.add(address);
        for (const c of contacts) add(c.customerId, 'contact', c.contactId);
        continue;
      }
      const domainCustomers = customersOfDomain.get(domainOf(address));
      if (domainCustomers?.length) {
        plan.known.add(address);
        for (const customerId of domainCustomers) add(customerId, 'domain');
      }
    }
    for (const ref of refs.get(m.id) ?? []) {
      const customerId = customerOfRecord.get(`${ref.type}:${ref.id}`);
      if (customerId) add(customerId, 'record');
    }
    plan.matches.set(m.id, [...byCustomer.values()]);
    const sender = m.from[0]?.address.toLowerCase();
    if (m.direction === 'in' && sender && !plan.known.has(sender) && (externals.get(m.id) ?? []).includes(sender)) plan.unknownSender.add(m.id);
  }
  return plan;
}

/** `type:id` → customer id, for records that exist: a customer is itself, a contact or contract belongs to one. */
async function resolveRecords(crm: CrmRoutingClient, refs: RecordRef[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = (type: RecordRef['type']) => [...new Set(refs.filter(r => r.type === type).map(r => r.id))];
  for (const id of ids('customer')) out.set(`customer:${id}`, id);
  const contactIds = ids('contact');
  if (contactIds.length) for (const c of await crm.contacts(contactIds)) if (!c.deleted) out.set(`contact:${c.id.toLowerCase()}`, c.customerId);
  const contractIds = ids('contract');
  if (contractIds.length) for (const c of await crm.contracts(contractIds)) out.set(`contract:${c.id.toLowerCase()}`, c.customerId);
  return out;
}
