// A section's heading, with the button that opens the form for a new record.

import { Button, Group, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import type { RefObject } from "react";

interface SectionHeaderProps {
  title: string;
  addLabel: string;
  onAdd: () => void;
  /** Where the focus goes back to after a deletion; given, the heading can take the focus. */
  headingRef?: RefObject<HTMLHeadingElement | null>;
}

export function SectionHeader({ title, addLabel, onAdd, headingRef }: SectionHeaderProps) {
  return (
    <Group justify="space-between">
      <Title order={2} ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
        {title}
      </Title>
      <Button leftSection={<IconPlus size={16} aria-hidden="true" />} onClick={onAdd}>
        {addLabel}
      </Button>
    </Group>
  );
}
