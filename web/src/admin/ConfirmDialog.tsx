// "Are you sure?" before a deletion; the deletion's own error stays inside the dialog.

import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useRef, useState, type RefObject } from "react";
import { ErrorNotice } from "./Feedback";

interface ConfirmDialogProps {
  /** Open while set; what is about to be deleted, in words ("the rule “Angry customer”"). */
  subject: string | null;
  title: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** Where the focus goes after a deletion: the button that opened the dialog is gone. */
  focusAfter: RefObject<HTMLElement | null>;
}

export function ConfirmDialog({
  subject,
  title,
  confirmLabel,
  onConfirm,
  onClose,
  focusAfter,
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const confirmed = useRef(false);
  const [error, setError] = useState<unknown>(null);
  // Keep the words while the dialog fades out after `subject` is cleared.
  const [shown, setShown] = useState(subject);
  if (subject !== null && subject !== shown) setShown(subject);

  const close = () => {
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      confirmed.current = true;
      close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={subject !== null}
      onClose={close}
      title={title}
      closeButtonProps={{ "aria-label": "Close" }}
      onExitTransitionEnd={() => {
        if (confirmed.current) focusAfter.current?.focus();
        confirmed.current = false;
      }}
    >
      <Stack>
        <Text>Delete {shown}? This cannot be undone.</Text>
        {error !== null && <ErrorNotice title="It was not deleted" error={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={() => void confirm()} loading={busy}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
