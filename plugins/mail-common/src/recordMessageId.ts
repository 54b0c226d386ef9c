/**
 * A Message-ID that names the CRM record a mail was sent from, so that a reply
 * (whose In-Reply-To / References carry it) routes back to that record even
 * when the customer writes from an address nobody registered.
 */
export interface RecordRef {
  type: 'customer' | 'contact' | 'contract';
  id: string;
}

const TYPES = new Set<RecordRef['type']>(['customer', 'contact', 'contract']);
const PATTERN = /^<?cocrm\.(customer|contact|contract)\.([0-9a-f-]{36})\.[0-9a-z]+@[^>\s]+>?$/i;

export function recordMessageId(record: RecordRef, domain: string, random: string = Math.random().toString(36).slice(2, 12)): string {
  if (!TYPES.has(record.type)) throw new Error(`unknown record type ${record.type}`);
  return `<cocrm.${record.type}.${record.id.toLowerCase()}.${random.toLowerCase().replace(/[^0-9a-z]/g, '') || '0'}@${domain}>`;
}

export function parseRecordMessageId(header: string | null | undefined): RecordRef | undefined {
  if (!header) return undefined;
  const m = PATTERN.exec(header.trim());
  return m ? { type: m[1].toLowerCase() as RecordRef['type'], id: m[2].toLowerCase() } : undefined;
}
