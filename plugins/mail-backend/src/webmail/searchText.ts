import type { MailAddress } from '@cocrm/plugin-mail-common';
import { htmlToText } from './htmlText';

/** Enough for any real body; a 100 MB text part must not become a 100 MB row. */
export const SEARCH_TEXT_MAX = 200_000;

/** The same folding for what is stored and what is asked: full-width Ｌａｔｉｎ and case do not matter. */
export function foldForSearch(text: string): string {
  // eslint-disable-next-line no-control-regex -- PostgreSQL text cannot hold NUL; other controls only hide matches
  return text.normalize('NFKC').toLowerCase().replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
}

function cap(text: string): string {
  if (text.length <= SEARCH_TEXT_MAX) return text;
  const cut = text.slice(0, SEARCH_TEXT_MAX);
  // never leave half a surrogate pair (an emoji, a rare CJK character) at the end
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export interface SearchSource {
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  text: string | null;
  html: string | null;
}

/** Lower-cased subject, participants (names and addresses) and body text, capped. */
export function buildSearchText(m: SearchSource): string {
  const people = [...m.from, ...m.to, ...m.cc, ...m.replyTo].map(a => (a.name ? `${a.name} <${a.address}>` : `<${a.address}>`)).join(' ');
  return cap(foldForSearch([m.subject ?? '', people, bodyText(m.text, m.html) ?? ''].join('\n')));
}

/** The readable body: the text part, or the HTML as text when the text alternative is missing or empty (some clients send an empty one). */
export function bodyText(text: string | null, html: string | null): string | null {
  if (text?.trim()) return text;
  return html ? htmlToText(html) : null;
}

const WORD = /[\p{L}\p{N}]/u;

/** Adjacent pairs of two letters/digits: what a two-character query (合同) is looked up by on PostgreSQL. */
export function bigramsOf(text: string): string[] {
  const out = new Set<string>();
  let prev: string | undefined;
  for (const ch of text) {
    const word = WORD.test(ch);
    if (word && prev !== undefined) out.add(prev + ch);
    prev = word ? ch : undefined;
  }
  return [...out];
}

/**
 * The bigrams that narrow a query through the GIN index: every one of them
 * occurs in any text that contains the query. A few suffice to be selective.
 */
export function queryBigrams(foldedQuery: string): string[] {
  return bigramsOf(foldedQuery).slice(0, 6);
}
