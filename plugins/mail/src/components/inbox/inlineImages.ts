import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { mailApiRef } from '../../api/MailClient';
import type { MessageView } from '../../api/types';

/** Inline pictures beyond this stay out (a placeholder shows): the whole frame document is one string. */
const MAX_INLINE_BYTES = 5 * 1024 * 1024;
const MAX_INLINE_IMAGES = 40;

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** The indexes of attachments the sanitized HTML shows inline (`cid:` pictures). */
export function inlineIndexes(html: string): number[] {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out = new Set<number>();
  doc.querySelectorAll('img[data-attachment-index]').forEach(img => {
    const n = Number(img.getAttribute('data-attachment-index'));
    if (Number.isInteger(n) && n >= 0) out.add(n);
  });
  return [...out].slice(0, MAX_INLINE_IMAGES);
}

/** The HTML with those pictures' sources replaced by the fetched bytes (as data: URLs). */
export function withInlineImages(html: string, images: Map<number, string>): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('img[data-attachment-index]').forEach(img => {
    const src = images.get(Number(img.getAttribute('data-attachment-index')));
    if (src) img.setAttribute('src', src);
    else img.removeAttribute('src');
  });
  // the sanitizer's <style> block lands in the parsed head
  return `${Array.from(doc.head.querySelectorAll('style'))
    .map(s => s.outerHTML)
    .join('')}${doc.body.innerHTML}`;
}

/**
 * `cid:` pictures point at attachment URLs that need the user's token, which
 * the frame (opaque, script-less) cannot send: the page fetches them (with
 * `download`, the message's or the knowledge item's attachment download) and
 * hands them to the frame as data: URLs.
 */
export function useInlineImages(
  key: string,
  source: string | null,
  attachments: Array<{ index: number; size: number }>,
  download: (index: number) => Promise<Blob>,
): string | null {
  const [html, setHtml] = useState<string | null>(source);
  useEffect(() => {
    let live = true;
    setHtml(source);
    if (!source) return undefined;
    const indexes = inlineIndexes(source);
    if (!indexes.length) return undefined;
    const sizes = new Map(attachments.map(a => [a.index, a.size]));
    Promise.all(
      indexes.map(async index => {
        if ((sizes.get(index) ?? 0) > MAX_INLINE_BYTES) return [index, ''] as const;
        try {
          const blob = await download(index);
          return [index, blob.type.startsWith('image/') ? await dataUrl(blob) : ''] as const;
        } catch {
          return [index, ''] as const;
        }
      }),
    ).then(entries => {
      if (live) setHtml(withInlineImages(source, new Map(entries.filter(([, src]) => !!src))));
    });
    return () => {
      live = false;
    };
    // the download function is a new closure every render; the key and HTML say when there is new work
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, source]);
  return html;
}

/** A message's inline pictures; `download` where they come from another route than the webmail's (a thread read through a customer). */
export function useMessageInlineImages(
  message: Pick<MessageView, 'id' | 'html' | 'attachments'>,
  download?: (index: number) => Promise<Blob>,
): string | null {
  const api = useApi(mailApiRef);
  return useInlineImages(
    message.id,
    message.html,
    message.attachments,
    download ?? (index => api.downloadAttachment(message.id, index, `inline-${index}`).then(f => f.blob)),
  );
}
