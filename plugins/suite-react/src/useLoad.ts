import { DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface LoadState<T> {
  value: T | undefined;
  error: Error | undefined;
  loading: boolean;
  retry: () => void;
  /** replace the value locally (optimistic updates) */
  setValue: (value: T | undefined) => void;
}

/** Runs `fn` whenever deps change; the newest call wins. */
export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList): LoadState<T> {
  const [state, setState] = useState<{ value: T | undefined; error: Error | undefined; loading: boolean }>({
    value: undefined,
    error: undefined,
    loading: true,
  });
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setState(s => ({ ...s, loading: true, error: undefined }));
    fn().then(
      value => {
        if (my === seq.current) setState({ value, error: undefined, loading: false });
      },
      error => {
        if (my === seq.current) setState(s => ({ value: s.value, error, loading: false }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  const retry = useCallback(() => setNonce(n => n + 1), []);
  const setValue = useCallback((value: T | undefined) => setState(s => ({ ...s, value })), []);
  return { ...state, retry, setValue };
}

/** A value that follows `value` after `delay` ms of quiet. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), delay);
    return () => clearTimeout(h);
  }, [value, delay]);
  return v;
}
