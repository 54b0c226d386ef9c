import sanitizeHtml from 'sanitize-html';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/**
 * Readable text of an HTML body, for search and snippets of mail that has no
 * text part (Microsoft 365 hands out HTML only). Block ends become line
 * breaks; scripts, styles and the head contribute nothing.
 */
export function htmlToText(html: string): string {
  const marked = html.replace(/<br\s*\/?>|<\/(?:p|div|tr|li|h[1-6]|table|blockquote|pre)\s*>/gi, m => `${m}\n`);
  const stripped = sanitizeHtml(marked, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ['script', 'style', 'title', 'head', 'noscript', 'template', 'textarea', 'option', 'xmp', 'svg', 'math', 'iframe', 'object'],
  });
  return stripped
    .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, e => ENTITIES[e] ?? e)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}
