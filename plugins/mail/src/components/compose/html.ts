/**
 * The compose editor's HTML: a small, fixed set of elements (paragraphs,
 * emphasis, lists, links, quotes) is all it shows and sends. Everything else
 * that arrives — a reply's quoted original, pasted web pages — is reduced to
 * that set on an inert document (DOMParser runs no script and loads nothing),
 * so no mail or clipboard content ever becomes live markup in the page.
 */

const KEEP = new Set([
  'p',
  'div',
  'br',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'ul',
  'ol',
  'li',
  'a',
  'blockquote',
  'pre',
  'code',
  'h1',
  'h2',
  'h3',
  'h4',
]);

// gone with their content: nothing of these is text a reader wrote
const DROP = new Set([
  'script',
  'style',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'select',
  'option',
  'textarea',
  'template',
  'noscript',
  'audio',
  'video',
  'canvas',
  'img',
  'picture',
  'source',
]);

// block elements whose content keeps its own line when they are unwrapped
const BLOCKISH = new Set([
  'table',
  'tr',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'center',
  'dl',
  'dt',
  'dd',
  'figure',
  'figcaption',
  'address',
  'h5',
  'h6',
  'hr',
]);

export function safeHref(href: string | null): string | undefined {
  const s = (href ?? '').trim();
  return /^(https?:|mailto:)/i.test(s) ? s : undefined;
}

function copyInto(source: Node, target: Node, doc: Document): void {
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === 3) {
      target.appendChild(doc.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const el = child as Element;
    const tag = el.tagName.toLowerCase();
    if (DROP.has(tag)) continue;
    if (KEEP.has(tag)) {
      const out = doc.createElement(tag === 'strike' ? 's' : tag);
      if (tag === 'a') {
        const href = safeHref(el.getAttribute('href'));
        if (href) {
          out.setAttribute('href', href);
          out.setAttribute('target', '_blank');
          out.setAttribute('rel', 'noopener noreferrer');
        }
      }
      copyInto(el, out, doc);
      target.appendChild(out);
    } else if (tag === 'td' || tag === 'th') {
      // cells of a row side by side, as readable text
      const out = doc.createElement('span');
      copyInto(el, out, doc);
      out.appendChild(doc.createTextNode(' '));
      target.appendChild(out);
    } else if (BLOCKISH.has(tag)) {
      const out = doc.createElement('div');
      copyInto(el, out, doc);
      target.appendChild(out);
    } else {
      // font, span, table wrappers, custom tags …: their text without the element
      copyInto(el, target, doc);
    }
  }
}

/** HTML reduced to what the editor allows. */
export function cleanHtml(html: string): string {
  if (!html) return '';
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const root = out.createElement('div');
  copyInto(parsed.body, root, out);
  return root.innerHTML;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Plain text as paragraphs (blank lines) with line breaks, escaped. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map(p => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Whether the editor holds anything a reader would see. */
export function hasContent(html: string): boolean {
  if (!html) return false;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return (doc.body.textContent ?? '').trim().length > 0 || !!doc.body.querySelector('li');
}
