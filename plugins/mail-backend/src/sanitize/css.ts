import { ImagePolicy, cssUrl, decideImage } from './urls';

/*
 * CSS from mail, for style attributes and <style> blocks. Only what is
 * rebuilt here from checked pieces is written out — never a span of the
 * input — so the browser's reading of odd input cannot differ from ours:
 * a declaration is an allowed property with a value whose quotes and
 * brackets balance and that holds no braces, semicolons or backslashes; a rule is a selector of harmless characters plus such
 * declarations; @media/@supports nest, every other at-rule (@import,
 * @font-face, @charset, @namespace …) is dropped. CSS escapes are decoded
 * first, so `e\xpression` or `\75 rl(` are seen for what they are.
 */

/** Properties mail formatting needs; nothing that loads (cursor, content, font sources) or escapes the layout. */
const PROPERTIES = new Set([
  'color', 'background', 'background-color', 'background-image', 'background-repeat', 'background-position', 'background-size',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-radius', 'border-top-left-radius', 'border-top-right-radius', 'border-bottom-left-radius', 'border-bottom-right-radius',
  'border-collapse', 'border-spacing',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'font-variant', 'line-height', 'letter-spacing', 'word-spacing',
  'text-align', 'text-decoration', 'text-decoration-line', 'text-decoration-color', 'text-decoration-style', 'text-indent', 'text-transform',
  'text-overflow', 'white-space', 'word-break', 'word-wrap', 'overflow-wrap', 'vertical-align', 'direction', 'unicode-bidi',
  'width', 'height', 'min-width', 'max-width', 'min-height', 'max-height', 'box-sizing',
  'display', 'float', 'clear', 'overflow', 'overflow-x', 'overflow-y', 'visibility', 'opacity', 'position',
  'list-style', 'list-style-type', 'list-style-position', 'table-layout', 'caption-side', 'empty-cells',
  'outline', 'outline-color', 'outline-style', 'outline-width',
]);

/** Values no mail needs and old browsers executed or loaded: checked with whitespace removed. */
const FORBIDDEN = /expression\(|javascript:|vbscript:|livescript:|behavio(?:u)?r|binding|@import|var\(|env\(|attr\(|image-set\(|image\(|element\(|src\(|paint\(|cross-fade\(/i;

/** `position: fixed/absolute/sticky` would lay a mail's content over its own frame's chrome. */
const POSITION = /^(?:static|relative)$/i;

export const SAFE_STYLE_PROPERTIES: readonly string[] = [...PROPERTIES];

/** Comments out, escapes decoded, then no backslash or `<` left (nothing can re-form an escape or end the <style>). */
function normalise(css: string): string {
  return (
    css
      .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ')
      .replace(/\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\r\n|[\n\r\f]|([\s\S]))/g, (_m, hex: string | undefined, ch: string | undefined) => {
        if (hex) {
          const code = parseInt(hex, 16);
          return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
        }
        return ch ?? '';
      })
      // eslint-disable-next-line no-control-regex -- control characters only serve to hide words from filters
      .replace(/[\\<\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '')
  );
}

/** The index of the first stop character outside strings and brackets (or `end`). */
function scan(s: string, start: number, end: number, stops: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < end; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote || c === '\n') quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (stops.includes(c) && (depth === 0 || c === '{' || c === '}')) return i;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
  }
  return end;
}

/** The index of the `}` closing the block opened at `open` (or `end`). */
function closingBrace(s: string, open: number, end: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < end; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote || c === '\n') quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return end;
}

/** Quotes closed on the same line, brackets balanced, no structure characters outside strings. */
function balanced(text: string, forbidden: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === '\n') return false;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (--depth < 0) return false;
    } else if (forbidden.includes(c)) return false;
  }
  return quote === null && depth === 0;
}

const URL_FUNCTION = /url\(\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^)"'\s]*))\s*\)/gi;

function filterValue(prop: string, value: string, policy: ImagePolicy): string | undefined {
  if (!value || value.length > 2000 || !balanced(value, '{};')) return undefined;
  const squeezed = value.replace(/\s+/g, '');
  if (FORBIDDEN.test(squeezed)) return undefined;
  if (prop === 'position' && !POSITION.test(value.trim())) return undefined;
  let refused = false;
  const rewritten = value.replace(URL_FUNCTION, (_m, a?: string, b?: string, c?: string) => {
    const decision = decideImage(a ?? b ?? c ?? '', policy);
    if (decision.kind === 'blocked') policy.blocked++;
    if (decision.kind !== 'keep') {
      refused = true;
      return '';
    }
    return `url("${cssUrl(decision.url)}")`;
  });
  if (refused) return undefined;
  // a url( the pattern did not take (odd quoting) is not let through unchecked
  const urls = rewritten.match(/url\(/gi)?.length ?? 0;
  const checked = rewritten.match(/url\("[^"]*"\)/gi)?.length ?? 0;
  if (urls !== checked) return undefined;
  return rewritten.trim();
}

function declarations(block: string, policy: ImagePolicy): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < block.length) {
    const end = scan(block, i, block.length, ';');
    const decl = block.slice(i, end);
    i = end + 1;
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    if (!PROPERTIES.has(prop)) continue;
    let value = decl.slice(colon + 1).trim();
    const important = /!\s*important\s*$/i.test(value);
    if (important) value = value.replace(/!\s*important\s*$/i, '').trim();
    const filtered = filterValue(prop, value, policy);
    if (filtered) out.push(`${prop}:${filtered}${important ? ' !important' : ''}`);
  }
  return out;
}

/** A style attribute's declarations, filtered; '' when nothing is left. */
export function filterStyleAttribute(css: string, policy: ImagePolicy): string {
  return declarations(normalise(css), policy).join(';');
}

const SELECTOR_CHARS = /^[\w\s\-.#,>+~*:()[\]="'|^$!%\u00a0-\uffff]+$/;
const PRELUDE_CHARS = /^[\w\s\-,():./%]+$/;

function rules(s: string, start: number, end: number, policy: ImagePolicy, depth: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    while (i < end && /\s/.test(s[i])) i++;
    if (i >= end) break;
    if (s[i] === '}' || s[i] === ';') {
      i++;
      continue;
    }
    if (s[i] === '@') {
      const stop = scan(s, i, end, '{;');
      if (stop >= end || s[stop] === ';') {
        // @import, @charset, @namespace: dropped
        i = stop + 1;
        continue;
      }
      const close = closingBrace(s, stop, end);
      const name = /^@([a-z-]+)/i.exec(s.slice(i, stop))?.[1].toLowerCase();
      const prelude = s.slice(i + 1 + (name?.length ?? 0), stop).trim();
      if ((name === 'media' || name === 'supports') && depth < 4 && prelude.length <= 300 && PRELUDE_CHARS.test(prelude) && balanced(prelude, '{};@')) {
        const inner = rules(s, stop + 1, close, policy, depth + 1);
        if (inner) out += `@${name} ${prelude}{${inner}}`;
      }
      i = close + 1;
      continue;
    }
    const open = scan(s, i, end, '{;}');
    if (open >= end) break;
    if (s[open] !== '{') {
      i = open + 1;
      continue;
    }
    const close = closingBrace(s, open, end);
    const selector = s.slice(i, open).trim().replace(/\s+/g, ' ');
    i = close + 1;
    if (!selector || selector.length > 1000 || !SELECTOR_CHARS.test(selector) || !balanced(selector, '{};@')) continue;
    const decls = declarations(s.slice(open + 1, close), policy);
    if (decls.length) out += `${selector}{${decls.join(';')}}`;
  }
  return out;
}

/** A <style> block's rules, filtered and rebuilt; '' when nothing is left. */
export function filterStylesheet(css: string, policy: ImagePolicy): string {
  const s = normalise(css);
  return rules(s, 0, s.length, policy, 0);
}
