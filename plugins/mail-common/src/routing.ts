import { z } from 'zod';
import type { MailAddress } from './types';
import type { CustomerRef, MessageView } from './webmail';

/*
 * Routing mail into customer records: links of threads to customers, the
 * routed mail shown on customer and contact pages, and lead suggestions.
 */

/** Why a thread is linked to a customer. 'manual' = a user's choice, kept across re-matching. */
export type MailLinkSource = 'contact' | 'domain' | 'thread' | 'record' | 'manual';

export type MailLinkState = 'linked' | 'unlinked';

/** null until parsed → 'pending' → 'routed' | 'failed' (CRM unreachable; retried by the scheduler) */
export type MailRouteStatus = 'pending' | 'routed' | 'failed';

/** A thread's link to one customer. A manual unlink shows as state 'unlinked'. */
export interface ThreadLink {
  customerId: string;
  customerName: string;
  /** the customer's contacts among the thread's participants */
  contactIds: string[];
  source: MailLinkSource;
  state: MailLinkState;
  manual: boolean;
  /** who linked or unlinked by hand; null for automatic links */
  by: string | null;
  at: string;
}

/**
 * A routed message on a customer or contact page. `visibility: 'subject'`
 * (the mailbox shares subjects only and the caller does not read it) leaves
 * out the snippet; mailboxes that share nothing are left out entirely.
 */
export interface RoutedMailEntry {
  /** the message id */
  id: string;
  threadId: string;
  at: string;
  subject: string | null;
  snippet: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  visibility: 'full' | 'subject';
  /** the owner (user ref) of the mailbox the caller sees this message through */
  mailboxOwner: string;
  direction: 'in' | 'out';
  customerId: string;
  /** the customer's contacts among this message's participants */
  contactIds: string[];
}

/** An unknown external sender of a mailbox with suggest_leads (a stored suggestion until leads exist). */
export interface MailLeadSuggestion {
  id: string;
  accountId: string;
  address: string;
  name: string | null;
  firstMessageId: string;
  firstAt: string;
  lastAt: string;
  messageCount: number;
}

export const threadLinkInputSchema = z.object({
  customerId: z.uuid({ error: 'invalidValue' }),
});

export type ThreadLinkInput = z.infer<typeof threadLinkInputSchema>;

/**
 * A message of a routed thread the caller sees in full (reads its mailbox, or
 * the mailbox shares everything): the webmail's view, its attachment URLs
 * under the customer's route; flags and mailboxes only of mailboxes the
 * caller reads.
 */
export type RoutedFullMessage = MessageView & { visibility: 'full' };

/** A message whose mailbox shares subjects only: who wrote to whom, when, about what — no text, no attachments. */
export interface RoutedSubjectMessage {
  id: string;
  visibility: 'subject';
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  receivedAt: string;
}

export type RoutedThreadMessage = RoutedFullMessage | RoutedSubjectMessage;

/**
 * A thread as seen through a customer it is linked to
 * (`GET /routed/customers/:customerId/threads/:threadId`): read-only, only the
 * messages the caller may see on that customer's timeline, oldest first.
 */
export interface RoutedThreadView {
  threadId: string;
  subject: string | null;
  customer: CustomerRef;
  messages: RoutedThreadMessage[];
}
