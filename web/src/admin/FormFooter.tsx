// The end of every admin form: why the last save failed, if it did, then Cancel and Save.

import { Button, Group } from "@mantine/core";
import { ErrorNotice } from "./Feedback";

interface FormFooterProps {
  /** The last save's failure; null hides the notice. */
  error: unknown;
  /** The notice's heading, such as "The rule was not saved". */
  errorTitle: string;
  saving: boolean;
  onCancel: () => void;
}

export function FormFooter({ error, errorTitle, saving, onCancel }: FormFooterProps) {
  return (
    <>
      {error !== null && <ErrorNotice title={errorTitle} error={error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={saving}>
          Save
        </Button>
      </Group>
    </>
  );
}
