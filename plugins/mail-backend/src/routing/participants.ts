import { createHash } from 'crypto';
import type { MailAddress } from '@cocrm/plugin-mail-common';
import { RecordRef, parseRecordMessageId } from '@cocrm/plugin-mail-common';
import { normaliseMessageId } from '../mime/messageKey';

/** Colleagues' addresses and the company's own domains (MailboxAccess.internalAddresses). */
export interface InternalAddresses {
  addresses: Set<string>;
  domains: Set<string>;
}

export type Direction = 'in' | 'out' | 'internal';

/** The parsed fields routing reads from mail_messages. */
export interface RoutableMessage {
  id: string;
  messageKey: string;
  messageIdHeader: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  inReplyTo: string | null;
  references: string[];
}

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export function isInternal(address: string, internal: InternalAddresses): boolean {
  const a = address.toLowerCase();
  return internal.addresses.has(a) || internal.domains.has(domainOf(a));
}

/** From, To, Cc and Reply-To, lower-cased, once each (Bcc is not in what we store). */
export function participants(m: Pick<RoutableMessage, 'from' | 'to' | 'cc' | 'replyTo'>): string[] {
  const all = [...m.from, ...m.to, ...m.cc, ...m.replyTo].map(a => a.address.trim().toLowerCase()).filter(a => a.includes('@'));
  return [...new Set(all)];
}

/**
 * Mail between colleagues only is 'internal' and never routed; otherwise the
 * sender decides: one of ours sent it ('out') or someone outside did ('in').
 */
export function directionOf(m: RoutableMessage, internal: InternalAddresses): Direction {
  const people = participants(m);
  if (!people.some(a => !isInternal(a, internal))) return 'internal';
  const sender = m.from[0]?.address;
  return sender && isInternal(sender, internal) ? 'out' : 'in';
}

export function externalParticipants(m: RoutableMessage, internal: InternalAddresses): string[] {
  return participants(m).filter(a => !isInternal(a, internal));
}

/** The Message-IDs a header names (In-Reply-To may carry comments and several ids). */
function idsIn(value: string): string[] {
  const bracketed = value.match(/<[^>]*>/g);
  return bracketed ?? value.split(/\s+/).filter(Boolean);
}

/** The messages this one answers: In-Reply-To and References, normalised, once each. */
export function referencedIds(m: Pick<RoutableMessage, 'inReplyTo' | 'references'>): string[] {
  const raw = [...(m.inReplyTo ? idsIn(m.inReplyTo) : []), ...m.references.flatMap(idsIn)];
  const ids = raw.map(v => normaliseMessageId(v)).filter((v): v is string => !!v);
  return [...new Set(ids)];
}

/**
 * The message key a Message-ID is stored under — the same rule as
 * mime/messageKey.ts applies to a raw message's own Message-ID (a test holds
 * the two together).
 */
export function keyOfMessageId(normalisedId: string): string {
  return normalisedId.length > 900 ? `m#${createHash('sha256').update(normalisedId).digest('hex')}` : `m:${normalisedId}`;
}

/**
 * Records named by Message-IDs the suite generated: those this mail answers,
 * and for mail we sent, its own.
 */
export function recordRefs(m: RoutableMessage, direction: Direction): RecordRef[] {
  const headers = [...(m.inReplyTo ? idsIn(m.inReplyTo) : []), ...m.references.flatMap(idsIn)];
  if (direction === 'out' && m.messageIdHeader) headers.push(m.messageIdHeader);
  const seen = new Map<string, RecordRef>();
  for (const h of headers) {
    const ref = parseRecordMessageId(h);
    if (ref) seen.set(`${ref.type}:${ref.id}`, ref);
  }
  return [...seen.values()];
}
