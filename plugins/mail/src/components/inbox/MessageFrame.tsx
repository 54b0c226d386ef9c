import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import { mailFrameCsp } from '@cocrm/plugin-mail-common';

/**
 * What the message's document may load: inline styles and images from data:
 * (attachments the page fetched with the user's token) and, once the user
 * allowed them, from the web. No scripts, frames, forms or connections.
 */
export function messageCsp(remoteImages: boolean): string {
  return mailFrameCsp({ remoteImages });
}

/**
 * The frame runs no script and gets an opaque origin: never allow-scripts or
 * allow-same-origin. Links open in a new tab outside the sandbox.
 */
export const MESSAGE_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

const FRAME_STYLE = [
  'html,body{margin:0;padding:0}',
  'body{padding:4px 2px;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;',
  'font-size:14px;line-height:1.6;color:#1f1f1f;overflow-wrap:anywhere;word-break:break-word}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
  'blockquote{margin:0 0 0 8px;padding-left:8px;border-left:3px solid #d0d7de;color:#57606a}',
].join('');

/** The frame's whole document: the sanitized body under a CSP and a base that opens links in new tabs. */
export function frameDocument(html: string, options: { remoteImages: boolean }): string {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${messageCsp(options.remoteImages)}">` +
    '<meta name="referrer" content="no-referrer">' +
    '<base target="_blank">' +
    `<style>${FRAME_STYLE}</style>` +
    `</head><body>${html}</body></html>`
  );
}

// elements of a mail body that could load, run or submit anything
const INERT_DROP =
  'script,iframe,frame,frameset,object,embed,link,meta,base,video,audio,source,track,form,input,button,select,textarea,noscript,template';
// attributes that load a resource (href is kept on links only: it loads nothing there)
const LOADING_ATTRS = [
  'src',
  'srcset',
  'poster',
  'background',
  'data',
  'action',
  'formaction',
  'lowsrc',
  'dynsrc',
  'ping',
];

function inertCss(css: string): string {
  // neither fetched nor imported: the measurement copy must not reach the network
  return css.replace(/url\s*\(/gi, 'x-none(').replace(/@import/gi, '@x-none');
}

/**
 * An inert copy of the message body for measuring its height in the page: the
 * frame's document is opaque to the page (no allow-same-origin) and runs no
 * script that could report its height, so the page lays out the same HTML
 * itself — in a closed shadow root, off screen, with everything that could
 * load, run or submit removed.
 */
export function inertCopy(html: string): DocumentFragment {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll(INERT_DROP).forEach(el => el.remove());
  const styles = Array.from(doc.querySelectorAll('style'));
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || LOADING_ATTRS.includes(name)) el.removeAttribute(attr.name);
      else if (name === 'style') el.setAttribute('style', inertCss(attr.value));
      else if ((name === 'href' || name === 'xlink:href') && el.tagName.toLowerCase() !== 'a')
        el.removeAttribute(attr.name);
    }
  }
  for (const style of styles) style.textContent = inertCss(style.textContent ?? '');
  const fragment = document.createDocumentFragment();
  const sheet = document.createElement('style');
  sheet.textContent = FRAME_STYLE.replace(/html,body\{[^}]*\}/, '').replace(/\bbody\{/g, '.body{');
  fragment.appendChild(sheet);
  const body = document.createElement('div');
  body.className = 'body';
  // head styles of a full HTML mail apply to its body
  for (const style of Array.from(doc.head.querySelectorAll('style')))
    body.appendChild(document.importNode(style, true));
  for (const node of Array.from(doc.body.childNodes)) body.appendChild(document.importNode(node, true));
  fragment.appendChild(body);
  return fragment;
}

function measure(html: string, width: number): number {
  if (!width || typeof document === 'undefined' || !document.body.attachShadow) return 0;
  const host = document.createElement('div');
  // contain + transform keep the copy's fixed/absolute elements inside the host, off screen
  host.style.cssText =
    'position:absolute;left:-100000px;top:0;visibility:hidden;pointer-events:none;contain:layout paint style;transform:translateZ(0);';
  host.style.width = `${width}px`;
  host.setAttribute('aria-hidden', 'true');
  const root = host.attachShadow({ mode: 'closed' });
  root.appendChild(inertCopy(html));
  document.body.appendChild(host);
  try {
    const body = root.querySelector('.body') as HTMLElement | null;
    return Math.ceil(Math.max(body?.scrollHeight ?? 0, body?.getBoundingClientRect().height ?? 0));
  } finally {
    host.remove();
  }
}

const MIN_HEIGHT = 60;
// images without a size in the HTML lay out larger in the frame than in the copy; a little room, and the frame scrolls beyond
const SLACK = 24;

/**
 * The sanitized HTML of one message in a sandboxed frame, as tall as its
 * content (measured on an inert copy, re-measured when the width changes).
 */
export function MessageFrame(props: { html: string; title: string; remoteImages: boolean; testId?: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [height, setHeight] = useState(240);
  const srcDoc = useMemo(
    () => frameDocument(props.html, { remoteImages: props.remoteImages }),
    [props.html, props.remoteImages],
  );

  useLayoutEffect(() => {
    const el = boxRef.current;
    if (!el) return undefined;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(entries => {
      const w = Math.round(entries[0]?.contentRect.width ?? el.clientWidth);
      setWidth(prev => (Math.abs(prev - w) > 8 ? w : prev));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const h = measure(props.html, width);
    if (h > 0) setHeight(Math.max(MIN_HEIGHT, h + SLACK));
  }, [props.html, width]);

  return (
    // resize: a reader can still give an unusually laid out message more room
    <Box ref={boxRef} sx={{ width: '100%', height, resize: 'vertical', overflow: 'hidden', minHeight: MIN_HEIGHT }}>
      <iframe
        title={props.title}
        sandbox={MESSAGE_SANDBOX}
        srcDoc={srcDoc}
        referrerPolicy="no-referrer"
        data-testid={props.testId}
        style={{ width: '100%', height: '100%', border: 0, display: 'block', background: '#fff' }}
      />
    </Box>
  );
}
