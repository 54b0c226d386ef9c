import { GraphError } from '@microsoft/microsoft-graph-client';

/** The HTTP status of a failed Graph call; undefined when no answer arrived (network error, timeout). */
export function graphStatus(e: unknown): number | undefined {
  if (e instanceof GraphError) return e.statusCode > 0 ? e.statusCode : undefined;
  return undefined;
}

export function graphCode(e: unknown): string | undefined {
  return e instanceof GraphError && typeof e.code === 'string' ? e.code : undefined;
}

const GONE_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

/** The delta link is no longer usable: the folder must be listed again from the start. */
export function isSyncStateGone(e: unknown): boolean {
  const code = graphCode(e)?.toLowerCase();
  return graphStatus(e) === 410 || (code !== undefined && GONE_CODES.has(code));
}

export function graphReason(e: unknown): string {
  if (e instanceof GraphError) {
    const status = e.statusCode > 0 ? `HTTP ${e.statusCode}` : 'no answer';
    return [status, e.code, e.message].filter(Boolean).join(' ');
  }
  return e instanceof Error ? e.message || e.name : String(e);
}
