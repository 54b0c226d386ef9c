import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';

/** The channel the workflow backend signals on whenever a user's approval lists changed. */
export const INBOX_CHANNEL = 'workflow:inbox';

/** Without signals (not installed, or the connection failed to come up) lists are polled this often. */
const POLL_MS = 60_000;

/**
 * Calls `onChange` whenever the backend says the signed-in user's lists
 * changed (`{ kind: 'changed' }` on `workflow:inbox`), or every minute where
 * the app has no signals.
 */
export function useInboxChanges(onChange: () => void): void {
  const { lastSignal, isSignalsAvailable } = useSignal(INBOX_CHANNEL);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (lastSignal) callback.current();
  }, [lastSignal]);
  useEffect(() => {
    if (isSignalsAvailable) return undefined;
    const h = setInterval(() => callback.current(), POLL_MS);
    return () => clearInterval(h);
  }, [isSignalsAvailable]);
}
