import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { z } from 'zod';

/** What the CRM matched for a set of addresses (lower-cased; free-mail domains never match by domain). */
export interface CrmMatch {
  contacts: Array<{ address: string; contactId: string; customerId: string }>;
  domains: Array<{ domain: string; customerId: string }>;
}

export interface CrmCustomerRef {
  id: string;
  name: string;
  deleted: boolean;
}

export interface CrmContactRef {
  id: string;
  name: string;
  customerId: string;
  deleted: boolean;
}

export interface CrmContractRef {
  id: string;
  customerId: string;
}

/**
 * The CRM's routing API as the mail plugin sees it (service principal only).
 * Every failure to get an answer throws CrmUnavailableError: routing then
 * keeps the messages for the next run instead of routing them to nobody.
 */
export interface CrmRoutingClient {
  match(addresses: string[]): Promise<CrmMatch>;
  customers(ids: string[]): Promise<CrmCustomerRef[]>;
  contacts(ids: string[]): Promise<CrmContactRef[]>;
  /** contracts named by a record Message-ID; an empty answer when the CRM does not offer it */
  contracts(ids: string[]): Promise<CrmContractRef[]>;
}

export class CrmUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CrmUnavailableError';
  }

  static is(e: unknown): e is CrmUnavailableError {
    return e instanceof CrmUnavailableError;
  }
}

const matchSchema = z.object({
  contacts: z.array(z.object({ address: z.string(), contactId: z.string(), customerId: z.string() })),
  domains: z.array(z.object({ domain: z.string(), customerId: z.string() })),
});
const customersSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), deleted: z.boolean().optional() })) });
const contactsSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), customerId: z.string(), deleted: z.boolean().optional() })) });
const contractsSchema = z.object({ items: z.array(z.object({ id: z.string(), customerId: z.string() })) });

/** Requests stay small enough for the CRM's JSON body limit. */
const CHUNK = 200;

/** An answer of another shape is as good as none: the messages wait for a CRM that speaks the agreed API. */
function answer<T>(schema: z.ZodType<T>, body: unknown, path: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new CrmUnavailableError(`CRM answered ${path} with an unexpected body`);
  return r.data;
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/** Calls `POST /api/crm/mail-routing/*` with the mail plugin's own service token. */
export class HttpCrmRoutingClient implements CrmRoutingClient {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  async match(addresses: string[]): Promise<CrmMatch> {
    const out: CrmMatch = { contacts: [], domains: [] };
    for (const part of chunks(addresses)) {
      const r = answer(matchSchema, await this.post('/mail-routing/match', { addresses: part }), 'match');
      out.contacts.push(...r.contacts);
      out.domains.push(...r.domains);
    }
    return out;
  }

  async customers(ids: string[]): Promise<CrmCustomerRef[]> {
    const out: CrmCustomerRef[] = [];
    for (const part of chunks(ids)) {
      const r = answer(customersSchema, await this.post('/mail-routing/customers', { ids: part }), 'customers');
      out.push(...r.items.map(i => ({ id: i.id, name: i.name, deleted: i.deleted ?? false })));
    }
    return out;
  }

  async contacts(ids: string[]): Promise<CrmContactRef[]> {
    const out: CrmContactRef[] = [];
    for (const part of chunks(ids)) {
      const r = answer(contactsSchema, await this.post('/mail-routing/contacts', { ids: part }), 'contacts');
      out.push(...r.items.map(i => ({ ...i, deleted: i.deleted ?? false })));
    }
    return out;
  }

  async contracts(ids: string[]): Promise<CrmContractRef[]> {
    const out: CrmContractRef[] = [];
    for (const part of chunks(ids)) {
      // not part of the agreed CRM API yet: a CRM without it answers 404, and such replies route by their other signals
      const body = await this.post('/mail-routing/contracts', { ids: part }, [404]);
      if (body !== undefined) out.push(...answer(contractsSchema, body, 'contracts').items);
    }
    return out;
  }

  private async post(path: string, body: unknown, absentOn: number[] = []): Promise<unknown> {
    let res: Response;
    try {
      const baseUrl = await this.deps.discovery.getBaseUrl('crm');
      const { token } = await this.deps.auth.getPluginRequestToken({
        onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
        targetPluginId: 'crm',
      });
      res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new CrmUnavailableError(`CRM not reachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (absentOn.includes(res.status)) return undefined;
    if (!res.ok) throw new CrmUnavailableError(`CRM answered ${res.status} to ${path}`, res.status);
    try {
      return await res.json();
    } catch {
      throw new CrmUnavailableError(`CRM answered ${path} with invalid JSON`, res.status);
    }
  }
}

/** Without discovery/auth (tests, tools) nothing can be matched; routing keeps the messages pending. */
export const unconfiguredCrmClient: CrmRoutingClient = {
  match: async () => {
    throw new CrmUnavailableError('CRM client not configured');
  },
  customers: async () => {
    throw new CrmUnavailableError('CRM client not configured');
  },
  contacts: async () => {
    throw new CrmUnavailableError('CRM client not configured');
  },
  contracts: async () => {
    throw new CrmUnavailableError('CRM client not configured');
  },
};
