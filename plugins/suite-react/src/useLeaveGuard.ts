import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';

/**
 * Keeps unsaved (or unpublished) changes from being lost: the browser asks before the tab
 * closes or reloads, and in-app links (sidebar, breadcrumbs, the back link)
 * ask through the page's own dialog. The app runs a plain BrowserRouter, where
 * react-router's useBlocker is not available, so links are caught at the
 * document before the router sees the click. Browser back/forward is not
 * caught.
 */
export function useLeaveGuard(active: boolean) {
  const navigate = useNavigate();
  const [pendingHref, setPendingHref] = useState<string | null>(null);
  const activeRef = useRef(active);
  activeRef.current = active;

  useEffect(() => {
    if (!active) return undefined;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // older browsers show the dialog only when returnValue is set
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [active]);

  useEffect(() => {
    if (!active) return undefined;
    const onClick = (e: MouseEvent) => {
      if (!activeRef.current || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const anchor = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!anchor || (anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      const here = window.location.pathname + window.location.search;
      const there = url.pathname + url.search;
      if (there === here) return;
      e.preventDefault();
      e.stopPropagation();
      setPendingHref(there + url.hash);
    };
    // capture: ahead of the router's own link handler
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [active]);

  const confirmLeave = useCallback(() => {
    const href = pendingHref;
    setPendingHref(null);
    if (href) {
      activeRef.current = false;
      navigate(href);
    }
  }, [pendingHref, navigate]);
  const cancelLeave = useCallback(() => setPendingHref(null), []);

  return { leaving: pendingHref !== null, confirmLeave, cancelLeave };
}
