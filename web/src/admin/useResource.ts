// One read from the API, kept while it is read again: a reload after a change leaves the old
// rows on screen (and the focus where it was) until the new ones arrive.

import { useCallback, useEffect, useEffectEvent, useState } from "react";

export interface Resource<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Puts a copy the server returned in place of the one read, without reading again. */
  replace: (update: (data: T) => T) => void;
}

interface State<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

/**
 * Loads whenever `key` changes (null: not now) and on `reload()`; a late answer to an older
 * key is dropped.
 */
export function useResource<T>(key: string | null, load: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<State<T>>({ data: null, error: null, loading: key !== null });
  const [round, setRound] = useState(0);
  const run = useEffectEvent(load);

  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    run().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [key, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  const replace = useCallback(
    (update: (data: T) => T) =>
      setState((s) => (s.data === null ? s : { ...s, data: update(s.data) })),
    [],
  );
  return { ...state, reload, replace };
}
