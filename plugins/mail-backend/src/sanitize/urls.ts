/*
 * What a URL in a mail may point at. Browsers drop tabs and newlines anywhere
 * in a URL and C0 controls and spaces around it (`java\tscript:`), so the
 * decision is made on the URL as the browser will see it — and that cleaned
 * form is what is written back.
 */

/** A 1×1 transparent GIF: keeps the layout of a blocked image without loading anything. */
export const BLOCKED_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** How images are treated while one message is sanitized; `blocked` counts the images replaced. */
export interface ImagePolicy {
  /** load remote images (the user allowed them for this sender or this once) */
  remoteImages: boolean;
  /** the attachment URL and index for a Content-ID (`cid:` references) */
  cid(contentId: string): { url: string; index: number } | undefined;
  blocked: number;
}

export type ImageDecision = { kind: 'keep'; url: string; attachmentIndex?: number } | { kind: 'blocked' } | { kind: 'drop' };

export function cleanUrl(raw: string): string {
  // eslint-disable-next-line no-control-regex -- exactly the characters the URL parser strips or ignores
  return raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
}

const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*$/i;

function cidOf(url: string): string {
  const id = url.slice(4);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** An image source: an attachment (cid:), an inline data image, or a remote one — which may be blocked (the caller counts it). */
export function decideImage(raw: string, policy: ImagePolicy): ImageDecision {
  const url = cleanUrl(raw);
  if (/^cid:/i.test(url)) {
    const found = policy.cid(cidOf(url));
    return found ? { kind: 'keep', url: found.url, attachmentIndex: found.index } : { kind: 'drop' };
  }
  if (SAFE_DATA_IMAGE.test(url)) return { kind: 'keep', url };
  let remote: string | undefined;
  if (/^https?:\/\/[^/]/i.test(url)) remote = url;
  else if (/^\/\/[^/]/.test(url)) remote = `https:${url}`;
  if (!remote) return { kind: 'drop' };
  return policy.remoteImages ? { kind: 'keep', url: remote } : { kind: 'blocked' };
}

/** A link target: the web and mail addresses; in-page anchors stay in the frame. */
export function decideLink(raw: string): { url: string; external: boolean } | undefined {
  const url = cleanUrl(raw);
  if (/^https?:\/\/[^/]/i.test(url) || /^mailto:/i.test(url)) return { url, external: true };
  if (/^#[\w.:-]*$/.test(url)) return { url, external: false };
  return undefined;
}

/** For url("…") in CSS: nothing that could end the string or the function. */
export function cssUrl(url: string): string {
  return url.replace(/["'()\\\s]/g, c => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The key Content-IDs are compared by: without angle brackets, case-insensitive. */
export function contentIdKey(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}
