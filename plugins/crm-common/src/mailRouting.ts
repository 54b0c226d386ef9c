import { z } from 'zod';

/*
 * What the CRM and the mail plugin say to each other about routed mail (邮件).
 *
 * The mail plugin asks the CRM (service principal only) which contacts and
 * customers addresses belong to; the CRM asks the mail plugin (on behalf of
 * the viewer) for the mail routed to a customer or contact. The CRM keeps its
 * own description of the mail plugin's answers here because its frontend and
 * common packages do not depend on the mail family; the mail plugin's
 * `mail-common/src/routing.ts` is the authoritative shape.
 */

/** Most addresses (ids) one routing question may carry. */
export const MAIL_ROUTING_MAX_ITEMS = 500;

/** `POST /api/crm/mail-routing/match` */
export const mailRoutingMatchSchema = z.object({
  addresses: z.array(z.string().max(320, 'tooLong')).max(MAIL_ROUTING_MAX_ITEMS, 'tooMany'),
});
export type MailRoutingMatchRequest = z.output<typeof mailRoutingMatchSchema>;

export interface MailRoutingMatchResponse {
  /** every live contact (of a live customer) with one of the addresses; `address` lower-cased */
  contacts: Array<{ address: string; contactId: string; customerId: string }>;
  /** live customers that registered the domain of one of the addresses (never a free-mail domain) */
  domains: Array<{ domain: string; customerId: string }>;
}

/** `POST /api/crm/mail-routing/customers` and `/contacts` */
export const mailRoutingIdsSchema = z.object({
  ids: z.array(z.string().max(100, 'tooLong')).max(MAIL_ROUTING_MAX_ITEMS, 'tooMany'),
});
export type MailRoutingIdsRequest = z.output<typeof mailRoutingIdsSchema>;

/** Unknown ids are left out; a customer in the recycle bin is `deleted`. */
export interface MailRoutingCustomersResponse {
  items: Array<{ id: string; name: string; deleted: boolean }>;
}

/** Unknown ids are left out; a contact in the recycle bin (or of a deleted customer) is `deleted`. */
export interface MailRoutingContactsResponse {
  items: Array<{ id: string; name: string; customerId: string; deleted: boolean }>;
}

/** `POST /api/crm/mail-routing/contracts`: the customer of each contract a sent mail's Message-ID named; unknown ids left out. */
export interface MailRoutingContractsResponse {
  items: Array<{ id: string; customerId: string; deleted: boolean }>;
}

export interface RoutedMailAddress {
  name?: string | null;
  address: string;
}

/**
 * One message routed to a customer or contact, as the mail plugin answers it
 * to a viewer (`GET /api/mail/routed/customers/:id`, `/routed/contacts/:id`).
 * With `visibility: 'subject'` the mailbox shares only subjects: no snippet.
 */
export interface RoutedMailEntry {
  /** the message id in the mail plugin */
  id: string;
  threadId: string;
  /** ISO UTC */
  at: string;
  subject: string | null;
  snippet: string | null;
  from: RoutedMailAddress | null;
  to?: RoutedMailAddress[];
  visibility: 'full' | 'subject';
  /** user entity ref of the mailbox's owner (a shared mailbox: its department) */
  mailboxOwner?: string | null;
  direction: 'in' | 'out';
  customerId?: string | null;
  contactIds?: string[];
}

/** Where the mail page shows a thread, inside the portal. */
export function mailThreadPath(threadId: string): string {
  return `/mail/threads/${encodeURIComponent(threadId)}`;
}
