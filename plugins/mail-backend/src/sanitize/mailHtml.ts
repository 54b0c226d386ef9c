import sanitizeHtml from 'sanitize-html';
import { SAFE_STYLE_PROPERTIES, filterStyleAttribute, filterStylesheet } from './css';
import { BLOCKED_IMAGE, ImagePolicy, cleanUrl, contentIdKey, decideImage, decideLink } from './urls';

/*
 * HTML mail for a sandboxed frame (no scripts, no same origin). An allow-list
 * made for mail: the formatting mail uses (tables, fonts, colours, images,
 * inline and <style> CSS) and nothing that runs, submits, embeds, navigates
 * by itself or loads without asking. Remote images — <img src/srcset>, the
 * `background` attribute and CSS url() — are replaced and counted unless the
 * caller allows them; cid: images point at the message's attachment.
 */

export interface MailHtmlOptions {
  remoteImages: boolean;
  /** Content-ID → where that attachment is served and its index */
  attachments: Array<{ contentId: string | null; index: number; url: string }>;
}

export interface SanitizedMailHtml {
  html: string;
  /** remote images, backgrounds and CSS urls that were replaced or left out */
  remoteImagesBlocked: number;
}

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter(t => t !== 'data'),
  'img', 'font', 'center', 'big', 'strike', 'tt', 'del', 'ins', 'nobr', 'style',
];

const GLOBAL_ATTRIBUTES = ['style', 'class', 'id', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor', 'background', 'border', 'nowrap'];

const ALLOWED_ATTRIBUTES: sanitizeHtml.IOptions['allowedAttributes'] = {
  '*': GLOBAL_ATTRIBUTES,
  a: ['href', 'name', 'target', 'rel'],
  img: ['src', 'srcset', 'alt', 'hspace', 'vspace', 'referrerpolicy', 'data-remote-image', 'data-attachment-index'],
  font: ['color', 'face', 'size'],
  table: ['cellpadding', 'cellspacing', 'frame', 'rules', 'summary'],
  td: ['colspan', 'rowspan', 'abbr', 'scope'],
  th: ['colspan', 'rowspan', 'abbr', 'scope'],
  col: ['span'],
  colgroup: ['span'],
  ol: ['start', 'type', 'reversed'],
  ul: ['type'],
  li: ['value', 'type'],
  hr: ['size', 'noshade', 'color'],
  blockquote: ['type'],
  // read by exclusiveFilter; the element itself is rebuilt
  style: ['media'],
};

/**
 * Elements dropped with everything inside: code, frames, plugins, forms'
 * option lists, and foreign content (SVG/MathML), where the browser reads
 * markup differently from the sanitizer's parser.
 */
const DROPPED_WITH_CONTENT = [
  'script', 'style', 'textarea', 'option', 'select', 'datalist', 'xmp', 'noscript', 'template', 'title', 'iframe', 'frame', 'frameset',
  'object', 'applet', 'embed', 'svg', 'math', 'noembed', 'noframes', 'canvas', 'audio', 'video',
];

const SAFE_STYLE_VALUE = /^[^<>{}\\]*$/;
const ALLOWED_STYLES = { '*': Object.fromEntries(SAFE_STYLE_PROPERTIES.map(p => [p, [SAFE_STYLE_VALUE]])) };

/** Only the web's schemes: every image source was already decided (and rewritten) by the transform. */
const SCHEMES = ['http', 'https', 'mailto'];

type Attributes = Record<string, string>;

function imageAttributes(attribs: Attributes, policy: ImagePolicy): Attributes {
  const out: Attributes = { ...attribs };
  delete out.src;
  delete out.srcset;
  let blocked = false;
  if (attribs.src !== undefined) {
    const d = decideImage(attribs.src, policy);
    if (d.kind === 'keep') {
      out.src = d.url;
      if (d.attachmentIndex !== undefined) out['data-attachment-index'] = String(d.attachmentIndex);
    }
    blocked = d.kind === 'blocked';
  }
  if (attribs.srcset !== undefined) {
    const kept: string[] = [];
    for (const entry of attribs.srcset.split(/,(?=\s*\S)/)) {
      const [url, ...descriptor] = entry.trim().split(/\s+/);
      const d = decideImage(url ?? '', policy);
      if (d.kind === 'blocked') blocked = true;
      // a URL with a space or comma would change how the list is read
      if (d.kind === 'keep' && !/[\s,]/.test(d.url)) kept.push([d.url, ...descriptor.filter(x => /^\d+(?:\.\d+)?[wx]$/.test(x))].join(' '));
    }
    if (kept.length && !blocked) out.srcset = kept.join(', ');
  }
  // src and srcset of one <img> are one picture, counted once
  if (blocked) {
    policy.blocked++;
    out['data-remote-image'] = 'blocked';
    if (!out.src) out.src = BLOCKED_IMAGE;
  }
  // a loaded image tells its host nothing about where it was read
  if (out.src && /^https?:/i.test(out.src)) out.referrerpolicy = 'no-referrer';
  else delete out.referrerpolicy;
  return out;
}

function transform(tagName: string, attribs: Attributes, policy: ImagePolicy): sanitizeHtml.Tag {
  let name = tagName;
  let out: Attributes = { ...attribs };
  // <body bgcolor/background/style> keeps its look as the frame's outer block
  if (name === 'body') name = 'div';
  for (const key of Object.keys(out)) {
    // data-* are ours to set; the message's own could fake a placeholder or an attachment
    if (key.startsWith('data-')) delete out[key];
  }
  if (name === 'img') out = imageAttributes(out, policy);
  if (name === 'a') {
    delete out.target;
    delete out.rel;
    const link = attribs.href !== undefined ? decideLink(attribs.href) : undefined;
    if (link) {
      out.href = link.url;
      if (link.external) {
        out.target = '_blank';
        out.rel = 'noopener noreferrer';
      }
    } else delete out.href;
  }
  if (out.background !== undefined) {
    const d = decideImage(out.background, policy);
    if (d.kind === 'blocked') policy.blocked++;
    if (d.kind === 'keep') out.background = d.url;
    else delete out.background;
  }
  if (out.style !== undefined) {
    const style = filterStyleAttribute(out.style, policy);
    if (style) out.style = style;
    else delete out.style;
  }
  return { tagName: name, attribs: out };
}

/** Sanitizes one HTML body for display; deterministic for the same input and options. */
export function sanitizeMailHtml(html: string, options: MailHtmlOptions): SanitizedMailHtml {
  const byCid = new Map<string, { url: string; index: number }>();
  for (const a of options.attachments) if (a.contentId) byCid.set(contentIdKey(a.contentId), { url: a.url, index: a.index });
  const policy: ImagePolicy = { remoteImages: options.remoteImages, cid: id => byCid.get(contentIdKey(id)), blocked: 0 };
  const sheets: string[] = [];

  const body = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: SCHEMES,
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: false,
    allowedStyles: ALLOWED_STYLES,
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: 'discard',
    // <style> is allowed only to be taken out by exclusiveFilter below: its text never reaches the output unfiltered
    allowVulnerableTags: true,
    transformTags: { '*': (tagName, attribs) => transform(tagName, attribs, policy) },
    // <style> content is CSS, not text: taken out here, filtered, and written back as one block in front
    exclusiveFilter: frame => {
      if (frame.tag !== 'style') return false;
      const media = frame.attribs.media ? cleanUrl(frame.attribs.media) : '';
      const css = filterStylesheet(frame.text, policy);
      if (css) sheets.push(media && /^[\w\s\-,():./]+$/.test(media) && media.length <= 300 ? `@media ${media}{${css}}` : css);
      return true;
    },
  });
  const style = sheets.length ? `<style>${sheets.join('\n')}</style>` : '';
  return { html: style + body, remoteImagesBlocked: policy.blocked };
}
