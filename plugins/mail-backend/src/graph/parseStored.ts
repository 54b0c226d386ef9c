import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MessageStore } from '../database/MessageStore';
import type { RawStore } from '../database/RawStore';
import { MessageParser, parseRaw } from '../mime/MessageParser';

export interface ParseDeps {
  messages: MessageStore;
  raw: RawStore;
  parser: MessageParser;
  /** the after-parse hooks (search text, threads, routing): the IMAP sync's runner, so both providers run them alike */
  afterParsed(ids: string[]): Promise<void>;
  logger: LoggerService;
}

/**
 * Parses committed messages from their stored raw, the way the IMAP sync
 * does: a throw marks the message failed with its reason (stored, visible,
 * retryable), never skipped. Then the after-parse hooks run for the ids
 * that parsed.
 */
export async function parseStored(deps: ParseDeps, ids: string[]): Promise<{ parsed: number; failed: number }> {
  const { messages, raw, parser, logger } = deps;
  const parsedIds: string[] = [];
  let failed = 0;
  for (const id of ids) {
    const input = await messages.parseInput(id);
    if (!input || input.status === 'parsed') continue;
    try {
      await messages.markParsed(id, await parseRaw(raw, parser, input.rawRef));
      parsedIds.push(id);
    } catch (e) {
      const reason = e instanceof Error ? e.message || e.name : String(e);
      logger.warn(`Mail message ${id} failed to parse: ${reason}`);
      await messages.markFailed(id, reason);
      failed++;
    }
  }
  if (parsedIds.length) await deps.afterParsed(parsedIds);
  return { parsed: parsedIds.length, failed };
}
