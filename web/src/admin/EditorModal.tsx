// The dialog a section's add-or-change form opens in.

import { Modal, type ModalProps } from "@mantine/core";
import type { ReactNode } from "react";
import type { Editor } from "./useEditor";

interface EditorModalProps<T> {
  editor: Pick<Editor<T>, "editing" | "close">;
  newTitle: string;
  editTitle: string;
  size: ModalProps["size"];
  /** The form for the record to change, or for a new one (null). */
  children: (item: T | null) => ReactNode;
}

export function EditorModal<T>(props: EditorModalProps<T>) {
  const { editor, newTitle, editTitle, size, children } = props;
  const { editing, close } = editor;
  return (
    <Modal
      opened={editing !== null}
      onClose={close}
      title={editing === "new" ? newTitle : editTitle}
      size={size}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      {editing !== null && children(editing === "new" ? null : editing)}
    </Modal>
  );
}
