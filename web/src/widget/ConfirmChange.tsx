import { Button, Group } from "@mantine/core";
import classes from "./widget.module.css";

export interface ConfirmChangeProps {
  onAnswer: (answer: "yes" | "no") => void;
}

/** The assistant asked to confirm a change: answer with one press. */
export function ConfirmChange({ onAnswer }: ConfirmChangeProps) {
  return (
    <Group role="group" aria-label="Confirm the change" gap="xs">
      <Button className={classes.touch} onClick={() => onAnswer("yes")}>
        Yes
      </Button>
      <Button className={classes.touch} variant="default" onClick={() => onAnswer("no")}>
        No
      </Button>
    </Group>
  );
}
