// A table row's Edit and Delete buttons, named after the row ("Edit Return policy").

import { Button, Group } from "@mantine/core";

interface RowActionsProps {
  /** What the row is called, as the buttons' accessible names end. */
  name: string;
  onEdit: () => void;
  /** Leave out where rows cannot be deleted: then only Edit is shown. */
  onDelete?: () => void;
}

export function RowActions({ name, onEdit, onDelete }: RowActionsProps) {
  const edit = (
    <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${name}`}>
      Edit
    </Button>
  );
  if (!onDelete) return edit;
  return (
    <Group gap="xs" wrap="nowrap">
      {edit}
      <Button
        size="xs"
        variant="outline"
        color="red.9"
        onClick={onDelete}
        aria-label={`Delete ${name}`}
      >
        Delete
      </Button>
    </Group>
  );
}
