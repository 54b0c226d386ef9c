import type { AccountTransport, SendEnvelope, SendReceipt } from '../compose/AccountTransport';
import { SendRefusedError } from '../compose/AccountTransport';
import { messageIdHeader } from '../mime/messageKey';
import { graphReason } from './graphErrors';
import { GraphSendError, GraphSender } from './GraphSender';

/**
 * The outbox's transport for Microsoft 365 accounts. The outbox hands over
 * final MIME with a fixed Message-ID and keeps no Graph state, so the draft
 * of an earlier attempt is found by that Message-ID: a message already sent
 * is not sent again, a draft left by a failed attempt is completed and sent
 * instead of a second one. Refusals before Graph could have sent anything
 * are `SendRefusedError` (the outbox may retry); everything else stays
 * uncertain.
 */
export class GraphAccountTransport implements AccountTransport {
  constructor(private readonly sender: GraphSender) {}

  async send(accountId: string, mime: Buffer, envelope: SendEnvelope): Promise<SendReceipt> {
    const messageId = messageIdHeader(mime);
    let draftId: string | null = null;
    if (messageId) {
      let found: { sent: boolean; draftId: string | null };
      try {
        found = await this.sender.locate(accountId, messageId);
      } catch (e) {
        // nothing left for Graph in this attempt
        throw new SendRefusedError(e instanceof GraphSendError ? e.reason : graphReason(e));
      }
      if (found.sent) return { response: `Microsoft 365 already holds ${messageId} as sent; not sent again` };
      draftId = found.draftId;
    }
    try {
      const result = await this.sender.send(accountId, mime, envelope, { draftId });
      return {
        response: result.alreadySent ? `Microsoft 365 draft ${result.draftId} was already sent` : `Microsoft 365 accepted draft ${result.draftId}`,
      };
    } catch (e) {
      if (e instanceof GraphSendError && e.outcome === 'notSent') throw new SendRefusedError(e.reason);
      throw e;
    }
  }
}
