import sanitizeHtml from 'sanitize-html';

const anyValue = [/^[^;{}()<>\\]*$/];
const STYLES: Record<string, RegExp[]> = Object.fromEntries(
  [
    'color', 'background-color', 'font-size', 'font-weight', 'font-style', 'font-family', 'text-decoration', 'text-align',
    'margin', 'margin-left', 'margin-right', 'margin-top', 'margin-bottom', 'padding', 'padding-left',
    'border-left', 'border', 'width', 'line-height', 'white-space',
  ].map(p => [p, anyValue]),
);

/**
 * What a draft body may contain: formatting, links, tables and images
 * (http(s), cid, pasted data: URLs). No scripts, handlers, forms, frames or
 * CSS that loads anything — the same HTML is shown in the editor and sent.
 */
export function sanitizeDraftHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
    allowedAttributes: {
      '*': ['style', 'dir', 'align', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['color', 'size', 'face'],
      td: ['colspan', 'rowspan', 'width', 'valign'],
      th: ['colspan', 'rowspan', 'width', 'valign'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      blockquote: ['type', 'cite'],
    },
    allowedStyles: { '*': STYLES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid', 'data'] },
    allowProtocolRelative: false,
  });
}

/**
 * A received message's HTML to quote in a reply or forward: its images are
 * dropped (remote ones would be fetched by the editor — tracking — and cid:
 * ones point at parts that are not sent along).
 */
export function quotableHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'font', 'center'],
    allowedAttributes: {
      '*': ['style', 'dir', 'align'],
      a: ['href', 'name', 'target'],
      font: ['color', 'size', 'face'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedStyles: { '*': STYLES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowProtocolRelative: false,
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Plain text as HTML paragraphs, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/**
 * The text/plain alternative of a sent message. sanitize-html decodes every
 * entity while parsing and re-escapes only these four, so undoing them gives
 * the plain text back.
 */
export function htmlToText(html: string): string {
  const marked = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|h[1-6]|blockquote|pre|table|ul|ol)\s*>/gi, '$&\n')
    .replace(/<li[\s>]/gi, '\n- $&');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head'] });
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
