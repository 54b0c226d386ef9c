/**
 * Work that follows parsing (search text, threads, routing into customer
 * records). Runs for ids that just parsed — from a sync, a retry or a sent
 * mail. A hook keeps its own state recoverable: the message is already stored
 * and parsed, so a throw here must never lose it, only leave it for the next
 * run (see RoutingService.routePending).
 */
export interface ParsedMessageHook {
  name: string;
  afterParsed(messageIds: string[]): Promise<void>;
}
