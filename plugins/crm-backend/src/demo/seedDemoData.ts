import fs from 'node:fs/promises';
import { Knex } from 'knex';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ContactInput,
  CustomerInput,
  contactCreateSchema,
  contactRelationCreateSchema,
  customerCreateSchema,
  visitCreateSchema,
} from '@cocrm/plugin-crm-common';
import { parseInput } from '../errors';
import { CustomerService } from '../service/CustomerService';
import { ContactService } from '../service/ContactService';
import { RelationService } from '../service/RelationService';
import { VisitService } from '../service/VisitService';
import { RequestContext } from '../service/RequestContext';
import { UserDirectory } from '../service/UserDirectory';

export interface DemoData {
  customers: Array<Omit<CustomerInput, 'parentId' | 'groupId'> & { key: string; createdBy: string; parentKey?: string; groupKey?: string }>;
  contacts: Array<Omit<ContactInput, 'customerId'> & { key: string; customerKey: string; createdBy: string }>;
  relations: Array<{ fromKey: string; toKey: string; type: string; strength?: string; remark?: string; createdBy: string }>;
  visits: Array<{ customerKey: string; contactKeys?: string[]; visitorRef: string; visitedAt: string; content: string; companions?: string[]; nextPlan?: string; createdBy: string }>;
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
}): Promise<boolean> {
  const { knex, logger } = options;
  if (await knex('crm_sequences').where({ name: MARKER }).first()) return true;
  if (await knex('crm_customers').first('id')) {
    await knex('crm_sequences').insert({ name: MARKER, value: 1 });
    return true;
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
  return true;
}
