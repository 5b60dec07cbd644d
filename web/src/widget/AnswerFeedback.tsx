import { Button, Group, Text } from "@mantine/core";
import { IconThumbDown, IconThumbUp } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";
import { errorMessage, type FeedbackBody } from "./chatApi";
import { StarRating } from "./StarRating";
import classes from "./widget.module.css";

// Arrow keys move through the stars one by one; only the rating the customer stays on is sent.
export const RATING_DELAY_MS = 700;

export interface AnswerFeedbackProps {
  messageId: string;
  onFeedback: (body: FeedbackBody) => Promise<void>;
}

type Outcome = { kind: "saved" } | { kind: "error"; message: string } | null;

/** Helpful / Not helpful and a 1–5 star rating for one answer. */
export function AnswerFeedback({ messageId, onFeedback }: AnswerFeedbackProps) {
  const [helpful, setHelpful] = useState<boolean | null>(null);
  const [rating, setRating] = useState(0);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const submit = async (body: Omit<FeedbackBody, "message_id">, undo: () => void) => {
    try {
      await onFeedback({ message_id: messageId, ...body });
      setOutcome({ kind: "saved" });
    } catch (error) {
      undo();
      setOutcome({ kind: "error", message: errorMessage(error) });
    }
  };

  const choose = (value: boolean) => {
    if (helpful === value) return;
    const before = helpful;
    setHelpful(value);
    void submit({ helpful: value }, () => setHelpful(before));
  };

  const rate = (value: number) => {
    const before = rating;
    setRating(value);
    if (timer.current) clearTimeout(timer.current);
    const send = () => void submit({ rating: value }, () => setRating(before));
    timer.current = setTimeout(send, RATING_DELAY_MS);
  };

  return (
    <div className={classes.meta}>
      <Group gap={4} wrap="wrap">
        <Button
          size="compact-sm"
          className={classes.touch}
          variant={helpful === true ? "filled" : "default"}
          aria-pressed={helpful === true}
          leftSection={<IconThumbUp size={16} aria-hidden="true" />}
          onClick={() => choose(true)}
        >
          Helpful
        </Button>
        <Button
          size="compact-sm"
          className={classes.touch}
          variant={helpful === false ? "filled" : "default"}
          aria-pressed={helpful === false}
          leftSection={<IconThumbDown size={16} aria-hidden="true" />}
          onClick={() => choose(false)}
        >
          Not helpful
        </Button>
        <StarRating label="Rate this answer" value={rating} onChange={rate} />
      </Group>
      {outcome?.kind === "saved" && <Text size="sm">Thanks for your feedback</Text>}
      {outcome?.kind === "error" && (
        <Text size="sm" c="red.9">
          Your feedback was not sent: {outcome.message}
        </Text>
      )}
    </div>
  );
}
