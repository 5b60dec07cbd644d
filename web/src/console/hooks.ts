// Small React hooks the console's panels share.

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../shared/api";

/** A function that runs `fn` once, `ms` after the last call; cancelled on unmount. */
export function useDebounced(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const callRef = useRef(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => fnRef.current(), ms);
  });
  return callRef.current;
}

/** The current time, refreshed every `ms` (wait times in the queue). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : "Something went wrong.";
}

export interface Action {
  busy: boolean;
  error: string | null;
  /** Runs `fn`; on failure keeps "<what failed>: <the server's message>" in `error`. */
  run: <T>(failure: string, fn: () => Promise<T>) => Promise<T | undefined>;
  clearError: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <T,>(failure: string, fn: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (caught) {
      if (mounted.current) setError(`${failure}: ${errorMessage(caught)}`);
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
