import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { OrgSnapshot } from '@cocrm/plugin-access-node';
import { createMail, MailServices } from '../../createMail';
import { StreamingMessageParser } from '../../mime/MessageParser';
import { PasswordCipher } from '../../service/PasswordCipher';
import type { OrgSource } from '../../service/MailboxAccess';
import { TEST_KEY } from '../../__testUtils__/mailTestBed';
import { MAIL_USERS, user } from '../../__testUtils__/org';
import { installRouting, MailRouting } from '..';
import type { CrmRoutingClient } from '../CrmRoutingClient';

/** The company's own domain: every address there is a colleague's. */
export const INTERNAL_DOMAIN = 'corp.example';

/** The demo colleagues (profile addresses at corp.example) and their departments, without a catalog. */
export const testOrg: OrgSource = {
  snapshot: async () =>
    ({
      users: new Map(
        MAIL_USERS.map(u => [
          user(u.name),
          { ref: user(u.name), name: u.name, displayName: u.name, title: null, roles: [], departments: [`group:default/${u.dept}`], supervisor: null, email: u.email },
        ]),
      ),
      departments: new Map([
        ['group:default/sales', { ref: 'group:default/sales', displayName: '销售部', parent: null, leader: null }],
        ['group:default/sales-east', { ref: 'group:default/sales-east', displayName: '华东销售组', parent: 'group:default/sales', leader: null }],
        ['group:default/finance', { ref: 'group:default/finance', displayName: '财务部', parent: null, leader: null }],
      ]),
      problems: [],
    }) as unknown as OrgSnapshot,
};

/** Mail services on a migrated database with routing on the given CRM. */
export function routingBed(knex: Knex, crm: CrmRoutingClient, permissions?: PermissionsService): { mail: MailServices; routing: MailRouting } {
  const mail = createMail({
    permissions,
    knex,
    cipher: PasswordCipher.fromBase64Key(TEST_KEY),
    logger: mockServices.logger.mock(),
    org: testOrg,
    config: mockServices.rootConfig({ data: { mail: { internalDomains: [INTERNAL_DOMAIN] } } }),
  });
  return { mail, routing: installRouting(mail, { crm }) };
}

export interface TestAccount {
  owner: string;
  email: string;
  kind?: 'personal' | 'shared';
  sharing?: 'everything' | 'subject' | 'nothing';
  suggestLeads?: boolean;
  /** reader departments of a shared mailbox */
  readers?: string[];
  aliases?: string[];
  /** a real IMAP server (Dovecot) to sync from; without it the mailbox is never synced */
  imap?: { port: number; user: string; password: string };
}

/** A mailbox row as the account service would store it (no IMAP connection is ever made). */
export async function addAccount(knex: Knex, a: TestAccount): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await knex('mail_accounts').insert({
    id,
    owner: a.owner,
    display_name: a.email,
    email: a.email,
    imap_host: a.imap ? '127.0.0.1' : 'imap.corp.example',
    imap_port: a.imap?.port ?? 993,
    imap_secure: !a.imap,
    imap_user: a.imap?.user ?? a.email,
    imap_password_enc: a.imap ? PasswordCipher.fromBase64Key(TEST_KEY).encrypt(a.imap.password) : 'v1:none',
    folders: '[]',
    kind: a.kind ?? 'personal',
    sharing: a.sharing ?? 'everything',
    suggest_leads: a.suggestLeads ?? false,
    // the tests sync by hand; the scheduler of a test backend must leave them alone
    sync_enabled: false,
    aliases: JSON.stringify(a.aliases ?? []),
    version: 1,
    created_by: a.owner,
    created_at: now,
    updated_by: a.owner,
    updated_at: now,
  });
  for (const department of a.readers ?? []) await knex('mail_account_readers').insert({ account_id: id, department_ref: department });
  return id;
}

export interface TestMail {
  id: string;
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string;
  subject?: string;
  inReplyTo?: string;
  references?: string[];
  body?: string;
}

const angle = (id: string) => (id.startsWith('<') ? id : `<${id}>`);

export function rawMail(m: TestMail): Buffer {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to.join(', ')}`,
    ...(m.cc?.length ? [`Cc: ${m.cc.join(', ')}`] : []),
    ...(m.replyTo ? [`Reply-To: ${m.replyTo}`] : []),
    'Date: Sun, 1 Mar 2026 16:00:00 +0800',
    `Message-ID: ${angle(m.id)}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${angle(m.inReplyTo)}`] : []),
    ...(m.references?.length ? [`References: ${m.references.map(angle).join(' ')}`] : []),
    `Subject: =?UTF-8?B?${Buffer.from(m.subject ?? '报价', 'utf8').toString('base64')}?=`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(m.body ?? '您好，请查收报价。', 'utf8').toString('base64'),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

const parser = new StreamingMessageParser();
let clock = Date.UTC(2026, 2, 1, 8, 0, 0);

/**
 * Stores a message as the sync does (raw, logical message, copy and cursor in
 * one transaction), parses it and runs the after-parse hooks unless told not
 * to. Returns the logical message id (the same for a second copy).
 */
export async function deliver(mail: MailServices, accountId: string, m: TestMail | Buffer, options: { folder?: string; hooks?: boolean; at?: Date } = {}): Promise<string> {
  const raw = Buffer.isBuffer(m) ? m : rawMail(m);
  const folder = await mail.messages.ensureFolder(accountId, options.folder ?? 'INBOX');
  await mail.messages.setUidValidity(folder.id, '1');
  const uid = folder.lastUid + 1;
  clock += 60_000;
  const toParse = await mail.messages.ingestBatch({ ...folder, uidValidity: '1' }, '1', [{ uid, flags: [], internalDate: options.at ?? new Date(clock), modseq: null, raw }], uid);
  for (const id of toParse) {
    const input = (await mail.messages.parseInput(id))!;
    await mail.messages.markParsed(id, await parser.parse(await mail.raw.get(input.rawRef)));
  }
  if (options.hooks !== false && toParse.length) await mail.sync.afterParsed(toParse);
  const copy = await mail.env.knex('mail_copies').where({ folder_id: folder.id, uid_validity: '1', uid }).first('message_id');
  return String(copy.message_id);
}
