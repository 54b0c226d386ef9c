import fs from 'node:fs/promises';
import { Knex } from 'knex';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ContactInput,
  CustomerInput,
  contactCreateSchema,
  contractCreateSchema,
  contactRelationCreateSchema,
  customerCreateSchema,
  customerUpdateSchema,
  visitCreateSchema,
} from '@cocrm/plugin-crm-common';
import { CrmError, parseInput } from '../errors';
import { CustomerService } from '../service/CustomerService';
import { ContactService } from '../service/ContactService';
import { RelationService } from '../service/RelationService';
import { VisitService } from '../service/VisitService';
import { ContractService } from '../service/ContractService';
import { WORKFLOW_ACTOR } from '../service/ContractApprovals';
import { writeAudit } from '../service/Audit';
import { RequestContext } from '../service/RequestContext';
import { UserDirectory } from '../service/UserDirectory';

export interface DemoData {
  customers: Array<Omit<CustomerInput, 'parentId' | 'groupId'> & { key: string; createdBy: string; parentKey?: string; groupKey?: string }>;
  contacts: Array<Omit<ContactInput, 'customerId'> & { key: string; customerKey: string; createdBy: string }>;
  relations: Array<{ fromKey: string; toKey: string; type: string; strength?: string; remark?: string; createdBy: string }>;
  visits: Array<{ customerKey: string; contactKeys?: string[]; visitorRef: string; visitedAt: string; content: string; companions?: string[]; nextPlan?: string; createdBy: string }>;
  /** 合同: a draft to submit, and one shown as approved (no approval is started for it) */
  contracts?: Array<{
    customerKey: string;
    name: string;
    contractType?: string;
    format?: string;
    /** 分 */
    amount: number;
    signedAt?: string;
    startDate?: string;
    endDate?: string;
    paymentTerms?: string;
    standard?: string;
    keyTerms?: string;
    remark?: string;
    createdBy: string;
    status: 'draft' | 'approved';
  }>;
}

const MARKER = 'demo-data-seeded';

/**
 * Loads the demo business data once (per database) through the services, so
 * it gets numbers, search text and history like anything a user enters.
 * Returns false, writing nothing, while not all referenced users are in the catalog yet.
 */
export async function seedDemoData(options: {
  knex: Knex;
  file: string;
  auth: AuthService;
  logger: LoggerService;
  users: UserDirectory;
  customers: CustomerService;
  contacts: ContactService;
  relations: RelationService;
  visits: VisitService;
  contracts: ContractService;
}): Promise<boolean> {
  const { knex, logger } = options;
  if (await knex('crm_sequences').where({ name: MARKER }).first()) return seedDemoExtras(options);
  if (await knex('crm_customers').first('id')) {
    await knex('crm_sequences').insert({ name: MARKER, value: 1 });
    return seedDemoExtras(options);
  }
  const data = JSON.parse(await fs.readFile(options.file, 'utf8')) as DemoData;
  const referenced = [
    ...data.customers.flatMap(c => [c.createdBy, ...(c.accountManagers ?? [])]),
    ...data.contacts.map(c => c.createdBy),
    ...data.relations.map(r => r.createdBy),
    ...data.visits.flatMap(v => [v.createdBy, v.visitorRef, ...(v.companions ?? [])]),
  ];
  // The catalog ingests the demo org shortly after start; until then, try again on the next run.
  if ((await options.users.missing(referenced)).length > 0) {
    logger.info('CRM demo data waits for the demo users to appear in the catalog');
    return false;
  }
  const credentials = await options.auth.getOwnServiceCredentials();
  const as = (actor: string): RequestContext => ({ credentials, actor, locale: 'zh-CN' });
  const customerIds = new Map<string, string>();
  const contactIds = new Map<string, string>();
  // parents and groups first, so references resolve
  const ordered = [...data.customers].sort((a, b) => Number(Boolean(a.parentKey || a.groupKey)) - Number(Boolean(b.parentKey || b.groupKey)));
  for (const { key, createdBy, parentKey, groupKey, ...rest } of ordered) {
    const input = parseInput(customerCreateSchema, {
      ...rest,
      parentId: parentKey ? customerIds.get(parentKey) : null,
      groupId: groupKey ? customerIds.get(groupKey) : null,
    });
    customerIds.set(key, (await options.customers.create(input, as(createdBy))).id);
  }
  for (const { key, customerKey, createdBy, ...rest } of data.contacts) {
    const input = parseInput(contactCreateSchema, { ...rest, customerId: customerIds.get(customerKey) });
    contactIds.set(key, (await options.contacts.create(input, as(createdBy))).id);
  }
  for (const r of data.relations) {
    const input = parseInput(contactRelationCreateSchema, { fromContactId: contactIds.get(r.fromKey), toContactId: contactIds.get(r.toKey), type: r.type, strength: r.strength, remark: r.remark });
    await options.relations.create(input, as(r.createdBy));
  }
  for (const v of data.visits) {
    const input = parseInput(visitCreateSchema, {
      customerId: customerIds.get(v.customerKey),
      contactIds: (v.contactKeys ?? []).map(k => contactIds.get(k)),
      visitorRef: v.visitorRef,
      visitedAt: v.visitedAt,
      content: v.content,
      companions: v.companions ?? [],
      nextPlan: v.nextPlan ?? null,
    });
    await options.visits.create(input, as(v.createdBy));
  }
  await knex('crm_sequences').insert({ name: MARKER, value: 1 });
  logger.info(`CRM demo data loaded: ${customerIds.size} customers, ${contactIds.size} contacts`);
  return seedDemoExtras(options);
}

/** What came to the demo data after its first version, for databases seeded before. */
async function seedDemoExtras(options: Parameters<typeof seedDemoData>[0]): Promise<boolean> {
  return (await seedDemoContracts(options)) && seedDemoMailDomains(options);
}

const MAIL_DOMAINS_MARKER = 'demo-mail-domains-seeded';

/**
 * 邮箱域名 of the demo customers, once, for a database that got them before
 * customers had mail domains: only where every demo customer is there (by
 * name), only those that have none, and only domains nobody holds, so real
 * data is never touched.
 */
async function seedDemoMailDomains(options: Parameters<typeof seedDemoData>[0]): Promise<boolean> {
  const { knex, logger } = options;
  if (await knex('crm_sequences').where({ name: MAIL_DOMAINS_MARKER }).first()) return true;
  const data = JSON.parse(await fs.readFile(options.file, 'utf8')) as DemoData;
  const wanted = data.customers.filter(c => c.mailDomains?.length);
  const rows: Array<{ id: string; name: string; version: number; mail_domains: string }> = wanted.length
    ? await knex('crm_customers').whereIn('name', wanted.map(c => c.name)).whereNull('deleted_at').select('id', 'name', 'version', 'mail_domains')
    : [];
  const byName = new Map(rows.map(r => [r.name, r]));
  // all of them there, or this is not the demo database
  if (!wanted.every(c => byName.has(c.name))) {
    await knex('crm_sequences').insert({ name: MAIL_DOMAINS_MARKER, value: 1 });
    return true;
  }
  const credentials = await options.auth.getOwnServiceCredentials();
  let added = 0;
  for (const c of wanted) {
    const row = byName.get(c.name);
    if (!row || JSON.parse(row.mail_domains || '[]').length > 0) continue;
    const input = parseInput(customerUpdateSchema, { version: Number(row.version), mailDomains: c.mailDomains });
    try {
      await options.customers.update(row.id, input, { credentials, actor: c.createdBy, locale: 'zh-CN' });
      added += 1;
    } catch (e) {
      // a domain someone registered meanwhile, or an edit in between: that customer keeps what it has
      if (!(e instanceof CrmError && e.status === 409)) throw e;
    }
  }
  await knex('crm_sequences').insert({ name: MAIL_DOMAINS_MARKER, value: 1 });
  if (added) logger.info(`CRM demo mail domains added to ${added} customers`);
  return true;
}

const CONTRACTS_MARKER = 'demo-contracts-seeded';

/**
 * The demo contracts, once, also into a database that got the demo customers
 * before contracts existed — but only where those customers are (by name),
 * never into real data. The approved one is marked approved directly, with
 * its history entry, since no flow ever ran for it.
 */
async function seedDemoContracts(options: Parameters<typeof seedDemoData>[0]): Promise<boolean> {
  const { knex, logger } = options;
  if (await knex('crm_sequences').where({ name: CONTRACTS_MARKER }).first()) return true;
  const data = JSON.parse(await fs.readFile(options.file, 'utf8')) as DemoData;
  const list = data.contracts ?? [];
  const names = new Map(data.customers.map(c => [c.key, c.name]));
  const rows: Array<{ id: string; name: string }> = await knex('crm_customers')
    .whereIn('name', list.map(c => names.get(c.customerKey) ?? ''))
    .whereNull('deleted_at')
    .select('id', 'name');
  const idByName = new Map(rows.map(r => [r.name, r.id]));
  const demoCustomersPresent = list.every(c => idByName.has(names.get(c.customerKey) ?? ''));
  if (!demoCustomersPresent || (await knex('crm_contracts').first('id'))) {
    await knex('crm_sequences').insert({ name: CONTRACTS_MARKER, value: 1 });
    return true;
  }
  if ((await options.users.missing(list.map(c => c.createdBy))).length > 0) return false;
  const credentials = await options.auth.getOwnServiceCredentials();
  for (const { customerKey, createdBy, status, amount, ...rest } of list) {
    const input = parseInput(contractCreateSchema, { ...rest, amount: { amount, currency: 'CNY' }, customerId: idByName.get(names.get(customerKey)!) });
    const contract = await options.contracts.create(input, { credentials, actor: createdBy, locale: 'zh-CN' });
    if (status === 'approved') {
      const at = new Date();
      await knex.transaction(async tx => {
        await tx('crm_contracts').where({ id: contract.id }).update({ status: 'approved', version: contract.version + 1, updated_at: at, updated_by: WORKFLOW_ACTOR });
        await writeAudit(tx, {
          recordType: 'contract',
          recordId: contract.id,
          customerId: contract.customerId,
          action: 'approved',
          actor: WORKFLOW_ACTOR,
          at,
          summary: `${contract.number} ${contract.name}`,
          changes: [{ field: 'approvalStatus', from: 'draft', to: 'approved' }],
          detail: { amount: input.amount },
        });
      });
    }
  }
  await knex('crm_sequences').insert({ name: CONTRACTS_MARKER, value: 1 });
  logger.info(`CRM demo contracts loaded: ${list.length}`);
  return true;
}
