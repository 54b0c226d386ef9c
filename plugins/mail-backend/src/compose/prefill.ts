import type { AccessLocale } from '@cocrm/plugin-access-common';
import { mailMessage } from '@cocrm/plugin-mail-common';
import type { DraftMode, MailAddress, MailAttachmentMeta, ThreadLink } from '@cocrm/plugin-mail-common';
import { escapeHtml, quotableHtml, textToHtml } from './html';

/** The parsed source of a reply or forward, as stored by the sync. */
export interface SourceMessage {
  id: string;
  messageIdHeader: string | null;
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  text: string | null;
  html: string | null;
  attachments: MailAttachmentMeta[];
  references: string[];
  receivedAt: Date;
  /** the conversation routing put the source in (null until routed) */
  threadId: string | null;
}

export interface Prefill {
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  html: string;
  inReplyTo: string | null;
  references: string[];
  /** indexes into the source's attachments carried along by a forward */
  forwardAttachments: number[];
}

/** Re:/RE:/Fw:/Fwd:/回复/答复/转发 (half- or full-width colon), also AW:/WG:/SV:/VS: from other clients, possibly numbered (Re[2]:). */
const PREFIX = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|回复|答复|回覆|转发|轉寄|转寄)\s*(?:\[\d+\])?\s*[:：]\s*/i;

/** The subject without any leading reply/forward prefixes, so they never stack. */
export function baseSubject(subject: string | null): string {
  let s = (subject ?? '').trim();
  for (let m = PREFIX.exec(s); m; m = PREFIX.exec(s)) s = s.slice(m[0].length);
  return s;
}

export function prefixedSubject(mode: Exclude<DraftMode, 'new'>, subject: string | null, locale: AccessLocale): string {
  const prefix = mailMessage(locale, mode === 'forward' ? 'forwardPrefix' : 'replyPrefix');
  return `${prefix}${baseSubject(subject)}`;
}

/** `2026年11月24日 10:00` (zh) / `24 Nov 2026 10:00` (en), in the suite's default time zone. */
export function formatMailDate(date: Date, locale: AccessLocale): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map(p => [p.type, p.value]),
  );
  if (locale === 'en') {
    const month = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', month: 'short' }).format(date);
    return `${Number(parts.day)} ${month} ${parts.year} ${parts.hour}:${parts.minute}`;
  }
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

export function formatAddress(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

const lower = (a: MailAddress) => a.address.toLowerCase();

function uniqueWithout(list: MailAddress[], exclude: Set<string>): MailAddress[] {
  const seen = new Set(exclude);
  const out: MailAddress[] = [];
  for (const a of list) {
    const key = lower(a);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push({ name: a.name ?? '', address: key });
  }
  return out;
}

/**
 * Who a reply goes to. Reply: Reply-To, else From — unless the source is our
 * own mail (sent from this mailbox), then its recipients. Reply-all adds the
 * source's To and Cc. The mailbox's own addresses (email + aliases) are never
 * prefilled, and nobody appears twice.
 */
export function replyRecipients(mode: 'reply' | 'replyAll', source: SourceMessage, own: string[]): { to: MailAddress[]; cc: MailAddress[] } {
  const ownSet = new Set(own.map(a => a.toLowerCase()));
  const fromUs = source.from.length > 0 && source.from.every(a => ownSet.has(lower(a)));
  let primary = source.replyTo.length ? source.replyTo : source.from;
  if (fromUs) primary = source.to;
  if (mode === 'reply') return { to: uniqueWithout(primary, ownSet), cc: [] };
  const to = uniqueWithout(fromUs ? primary : [...primary, ...source.to], ownSet);
  const cc = uniqueWithout(source.cc, new Set([...ownSet, ...to.map(lower)]));
  return { to, cc };
}

/** In-Reply-To and References of a reply: the source's chain plus the source itself (bounded, as headers are). */
export function threadingOf(source: SourceMessage): { inReplyTo: string | null; references: string[] } {
  const id = source.messageIdHeader?.trim() || null;
  const chain = [...source.references, ...(id ? [id] : [])].filter((v, i, all) => v && all.indexOf(v) === i);
  return { inReplyTo: id, references: chain.slice(-20) };
}

/** Room left for the quote in a draft body (MAX_DRAFT_HTML_CHARS) with the user's own text above it. */
const MAX_QUOTE_CHARS = 300_000;

/** A newsletter-sized HTML source is quoted as its text instead, and cut if even that is too long. */
function sourceBodyHtml(source: SourceMessage): string {
  const html = source.html ? quotableHtml(source.html) : '';
  if (html && html.length <= MAX_QUOTE_CHARS) return html;
  const text = source.text ?? '';
  const quoted = textToHtml(text);
  return quoted.length <= MAX_QUOTE_CHARS ? quoted : `${textToHtml(text.slice(0, MAX_QUOTE_CHARS / 2))}…`;
}

/**
 * The quoted body under the cursor: for a reply the header line
 * 「在 2026年11月24日 10:00，张三 <a@b> 写道：」 and the source in a
 * blockquote; for a forward the usual block of the source's headers.
 */
export function quotedBody(mode: Exclude<DraftMode, 'new'>, source: SourceMessage, locale: AccessLocale): string {
  const date = formatMailDate(source.receivedAt, locale);
  const sender = source.from.map(formatAddress).join(', ');
  const body = sourceBodyHtml(source);
  if (mode === 'forward') {
    const line = (key: 'forwardFrom' | 'forwardDate' | 'forwardSubject' | 'forwardTo' | 'forwardCc', value: string) =>
      `${escapeHtml(mailMessage(locale, key))}${escapeHtml(value)}<br>`;
    return [
      '<p><br></p>',
      '<div class="cocrm-forward">',
      `<div>${escapeHtml(mailMessage(locale, 'forwardHeader'))}<br>`,
      line('forwardFrom', sender),
      line('forwardDate', date),
      line('forwardSubject', source.subject ?? ''),
      line('forwardTo', source.to.map(formatAddress).join(', ')),
      source.cc.length ? line('forwardCc', source.cc.map(formatAddress).join(', ')) : '',
      '</div><br>',
      `<div>${body}</div>`,
      '</div>',
    ].join('');
  }
  const header = mailMessage(locale, 'quoteHeader', { date, sender });
  return [
    '<p><br></p>',
    '<div class="cocrm-quote">',
    `<div>${escapeHtml(header)}</div>`,
    `<blockquote style="margin: 0 0 0 0.8ex; border-left: 1px solid #cccccc; padding-left: 1ex">${body}</blockquote>`,
    '</div>',
  ].join('');
}

/** Forwarded parts: real attachments, not the inline images of the HTML (dropped from the quote as well). */
export function forwardableAttachments(source: SourceMessage): number[] {
  return source.attachments.flatMap((a, i) => (a.inline && a.contentId ? [] : [i]));
}

export function prefill(mode: Exclude<DraftMode, 'new'>, source: SourceMessage, own: string[], locale: AccessLocale): Prefill {
  const subject = prefixedSubject(mode, source.subject, locale);
  const html = quotedBody(mode, source, locale);
  if (mode === 'forward') {
    return { to: [], cc: [], subject, html, inReplyTo: null, references: [], forwardAttachments: forwardableAttachments(source) };
  }
  return { ...replyRecipients(mode, source, own), subject, html, ...threadingOf(source), forwardAttachments: [] };
}

/**
 * The customer a reply or forward is written for: the source thread's one
 * linked customer. With two or more the thread is about several records and
 * guessing one would route the answer onto the wrong timeline; with none
 * there is nothing to name. `links` are the writer's view (customers they may
 * see, recycle bin left out), so a customer they cannot see is never named.
 */
export function soleLinkedCustomer(links: ThreadLink[]): string | null {
  const linked = [...new Set(links.filter(l => l.state === 'linked').map(l => l.customerId))];
  return linked.length === 1 ? linked[0] : null;
}
