// Which record a section's form is open for, and what follows a save.

import { useState } from "react";

/** The record being changed, "new" while one is being added, null while the form is closed. */
export type Editing<T> = T | "new" | null;

export interface Editor<T> {
  editing: Editing<T>;
  create: () => void;
  edit: (item: T) => void;
  close: () => void;
  /** For the form's onSaved: closes the form, then `afterSave` (say so, read the list again). */
  saved: (item: T) => void;
}

export function useEditor<T>(afterSave: (item: T) => void): Editor<T> {
  const [editing, setEditing] = useState<Editing<T>>(null);
  const close = () => setEditing(null);
  return {
    editing,
    create: () => setEditing("new"),
    edit: (item) => setEditing(item),
    close,
    saved: (item) => {
      close();
      afterSave(item);
    },
  };
}
