// One save from a form: busy while it runs, its failure kept to show, the saved record passed on.

import { useState } from "react";

export interface Save<T> {
  saving: boolean;
  error: unknown;
  /** Runs the request; what it returns goes to `onSaved`, a failure to `error`. */
  save: (request: () => Promise<T>) => Promise<void>;
}

export function useSave<T>(onSaved: (saved: T) => void): Save<T> {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async (request: () => Promise<T>) => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await request());
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return { saving, error, save };
}
