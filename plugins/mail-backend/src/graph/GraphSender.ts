import type { Client } from '@microsoft/microsoft-graph-client';
import type { AccountStore } from '../database/AccountStore';
import { MailError } from '../errors';
import { graphReason, graphStatus } from './graphErrors';
import { retryAfterMs as parseRetryAfter } from './graphClients';

/** Who the message goes to, as nodemailer builds it: `to` holds every recipient, Bcc included. */
export interface GraphEnvelope {
  from?: string | false;
  to: string[];
}

export interface GraphSendOptions {
  /** the draft an earlier attempt created (remembered through `onDraftCreated`): it is sent, no new draft is made */
  draftId?: string | null;
  /**
   * Called with the new draft's id before the send request leaves: persist it,
   * so that a repeat (after a crash or a lost answer) sends this draft — which
   * Graph answers with 404 once it was sent — instead of creating a second one.
   */
  onDraftCreated?: (draftId: string) => Promise<void>;
}

export interface GraphSendResult {
  draftId: string;
  /** the draft was already sent by an earlier attempt (its send answered 404); nothing went out now */
  alreadySent: boolean;
}

/**
 * A send that did not succeed. `notSent`: Graph refused it (throttled,
 * unavailable, invalid) — the draft is kept, a retry with its id is safe.
 * `uncertain`: no answer or a gateway failure — Graph may have sent it; the
 * outbox must not resend on its own (a resend with the draft id answers 404
 * if it went out).
 */
export class GraphSendError extends MailError {
  constructor(
    readonly outcome: 'notSent' | 'uncertain',
    readonly httpStatus: number | undefined,
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
  ) {
    // throttled or unavailable: 503 like the upstream; anything else is an upstream failure
    const throttled = outcome === 'notSent' && (httpStatus === 429 || httpStatus === 503);
    super(throttled ? 503 : 502, outcome === 'uncertain' ? 'sendUncertain' : 'sendRefused', { reason });
  }
}

interface Recipient {
  emailAddress?: { address?: string };
}

interface DraftRecipients {
  id: string;
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
}

const seg = encodeURIComponent;
const addressesOf = (list: Recipient[] | undefined) => (list ?? []).map(r => r.emailAddress?.address?.toLowerCase()).filter((a): a is string => !!a);

/** Before the send request nothing can have gone out, whatever the answer was. */
function refused(e: unknown): GraphSendError {
  const err = sendError(e);
  return new GraphSendError('notSent', err.httpStatus, err.reason, err.retryAfterMs);
}

function sendError(e: unknown): GraphSendError {
  const status = graphStatus(e);
  // no answer, a timeout at a gateway or a server error: the request may have been carried out
  const uncertain = status === undefined || status === 500 || status === 502 || status === 504;
  const headers = (e as { headers?: Headers }).headers;
  return new GraphSendError(uncertain ? 'uncertain' : 'notSent', status, graphReason(e), parseRetryAfter(headers?.get?.('retry-after') ?? null));
}

/**
 * Sends through Microsoft 365 exactly once: the MIME becomes a draft
 * (`POST /users/{mailbox}/messages`, base64 MIME as text/plain), the draft's
 * id is handed to the caller to persist, then `POST /messages/{id}/send`.
 * Both POSTs go through a client without any retry handler — the Graph
 * client's RetryHandler would re-send them on 429/503/504. A repeated send
 * of a draft that already went out answers 404, which counts as sent.
 */
export class GraphSender {
  constructor(
    private readonly deps: {
      accounts: Pick<AccountStore, 'get'>;
      /** the client without retries */
      client: Client;
    },
  ) {}

  async send(accountId: string, mime: Buffer, envelope: GraphEnvelope, options: GraphSendOptions = {}): Promise<GraphSendResult> {
    const mailbox = await this.mailboxOf(accountId);
    let draftId = options.draftId ?? null;
    const repeat = draftId !== null;
    if (draftId === null) {
      draftId = await this.createDraft(mailbox, mime, envelope);
      await options.onDraftCreated?.(draftId);
    } else if (!(await this.completeDraft(mailbox, draftId, envelope))) {
      // a sent draft no longer exists as a draft
      return { draftId, alreadySent: true };
    }
    try {
      await this.deps.client.api(`/users/${seg(mailbox)}/messages/${seg(draftId)}/send`).header('Prefer', 'IdType="ImmutableId"').post(null);
      return { draftId, alreadySent: false };
    } catch (e) {
      if (repeat && graphStatus(e) === 404) return { draftId, alreadySent: true };
      throw sendError(e);
    }
  }

  /**
   * Whether a message with this Message-ID is in the mailbox, and as what:
   * for deciding about an uncertain send whose draft id was never stored.
   */
  async locate(accountId: string, messageIdHeader: string): Promise<{ sent: boolean; draftId: string | null }> {
    const mailbox = await this.mailboxOf(accountId);
    const id = messageIdHeader.trim().replace(/'/g, "''");
    const found: { value?: Array<{ id: string; isDraft?: boolean }> } = await this.deps.client
      .api(`/users/${seg(mailbox)}/messages`)
      .header('Prefer', 'IdType="ImmutableId"')
      .filter(`internetMessageId eq '${id}'`)
      .select('id,isDraft')
      .get();
    const items = found.value ?? [];
    return { sent: items.some(m => m.isDraft === false), draftId: items.find(m => m.isDraft)?.id ?? null };
  }

  private async mailboxOf(accountId: string): Promise<string> {
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new MailError(404, 'accountNotFound');
    if (account.provider !== 'graph' || !account.graphMailbox) throw new MailError(400, 'invalidValue');
    return account.graphMailbox;
  }

  private async createDraft(mailbox: string, mime: Buffer, envelope: GraphEnvelope): Promise<string> {
    let draft: DraftRecipients;
    try {
      draft = await this.deps.client
        .api(`/users/${seg(mailbox)}/messages`)
        .header('Prefer', 'IdType="ImmutableId"')
        .header('Content-Type', 'text/plain')
        .post(mime.toString('base64'));
    } catch (e) {
      // a lost answer here at worst leaves an unsent draft behind: never a second mail
      throw refused(e);
    }
    await this.addMissingRecipients(mailbox, draft, envelope);
    return draft.id;
  }

  /**
   * A draft from an earlier attempt may have missed its Bcc (that attempt
   * failed in between): complete it before sending. False when it is gone.
   */
  private async completeDraft(mailbox: string, draftId: string, envelope: GraphEnvelope): Promise<boolean> {
    let draft: DraftRecipients;
    try {
      draft = await this.deps.client
        .api(`/users/${seg(mailbox)}/messages/${seg(draftId)}`)
        .header('Prefer', 'IdType="ImmutableId"')
        .select('id,toRecipients,ccRecipients,bccRecipients')
        .get();
    } catch (e) {
      if (graphStatus(e) === 404) return false;
      throw refused(e);
    }
    await this.addMissingRecipients(mailbox, draft, envelope);
    return true;
  }

  /** Bcc lives only in the envelope when the MIME was built without its header. */
  private async addMissingRecipients(mailbox: string, draft: DraftRecipients, envelope: GraphEnvelope): Promise<void> {
    const visible = new Set([...addressesOf(draft.toRecipients), ...addressesOf(draft.ccRecipients), ...addressesOf(draft.bccRecipients)]);
    const missing = [...new Set(envelope.to.map(a => a.toLowerCase()))].filter(a => !visible.has(a));
    if (!missing.length) return;
    try {
      await this.deps.client.api(`/users/${seg(mailbox)}/messages/${seg(draft.id)}`).patch({
        bccRecipients: [...(draft.bccRecipients ?? []), ...missing.map(address => ({ emailAddress: { address } }))],
      });
    } catch (e) {
      throw refused(e);
    }
  }
}
