import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MessageStore } from '../database/MessageStore';
import type { RawStore } from '../database/RawStore';
import { MessageParser, ParsedMail, parseRaw } from '../mime/MessageParser';

export interface ParseDeps {
  messages: MessageStore;
  raw: RawStore;
  parser: MessageParser;
  /** the after-parse hooks (search text, threads, routing): the IMAP sync's runner, so every way mail arrives runs them alike */
  afterParsed(ids: string[]): Promise<void>;
  logger: LoggerService;
}

export type ParseOutcome = { id: string; parsed: ParsedMail } | { id: string; error: string };

/**
 * The parser's part: CPU, no writes. Each message is parsed from the bytes in
 * hand, or (null) from its stored raw, streamed where the store can; a stored
 * message that is gone or parsed already is left out. A throw becomes an
 * outcome with its reason: the message is marked failed, never skipped.
 */
export async function parseEach(deps: ParseDeps, messages: Map<string, Buffer | null>): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = [];
  for (const [id, bytes] of messages) {
    try {
      if (bytes) {
        outcomes.push({ id, parsed: await deps.parser.parse(bytes) });
        continue;
      }
      const input = await deps.messages.parseInput(id);
      if (!input || input.status === 'parsed') continue;
      outcomes.push({ id, parsed: await parseRaw(deps.raw, deps.parser, input.rawRef) });
    } catch (e) {
      const reason = e instanceof Error ? e.message || e.name : String(e);
      deps.logger.warn(`Mail message ${id} failed to parse: ${reason}`);
      outcomes.push({ id, error: reason });
    }
  }
  return outcomes;
}

/** The database's part: the outcomes in one transaction, then the after-parse hooks for those that parsed. */
export async function recordParsed(deps: ParseDeps, outcomes: ParseOutcome[]): Promise<{ parsed: number; failed: number }> {
  await deps.messages.markParsedMany(outcomes);
  const parsed = outcomes.filter(o => 'parsed' in o).map(o => o.id);
  if (parsed.length) await deps.afterParsed(parsed);
  return { parsed: parsed.length, failed: outcomes.length - parsed.length };
}

/** Parses committed messages from their stored raw and records them, the way every sync does. */
export async function parseStored(deps: ParseDeps, ids: string[]): Promise<{ parsed: number; failed: number }> {
  return recordParsed(deps, await parseEach(deps, new Map(ids.map(id => [id, null]))));
}
