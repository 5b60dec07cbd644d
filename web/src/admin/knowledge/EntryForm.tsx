// Add or change one entry. A change is sent with the version that was read; if someone else
// saved in between, the server refuses it (409) and the form offers their version instead.

import { Alert, Button, Stack, TagsInput, Text, Textarea, TextInput } from "@mantine/core";
import { useRef, useState, type FormEvent } from "react";
import type { Api } from "../../shared/api";
import type { KnowledgeEntry } from "../../shared/types";
import { isConflict } from "../errors";
import { ErrorNotice } from "../Feedback";
import { FormFooter } from "../FormFooter";
import { fieldsOf, getEntry, saveEntry, type EntryFields } from "./entries";

interface EntryFormProps {
  api: Api;
  /** The entry to change; null to add one. */
  entry: KnowledgeEntry | null;
  onSaved: (entry: KnowledgeEntry) => void;
  onCancel: () => void;
}

type Missing = Partial<Record<"title" | "content", string>>;

function missingFields(fields: EntryFields): Missing {
  const missing: Missing = {};
  if (!fields.title.trim()) missing.title = "Enter a title.";
  if (!fields.content.trim()) missing.content = "Enter the answer.";
  return missing;
}

export function EntryForm({ api, entry, onSaved, onCancel }: EntryFormProps) {
  const [base, setBase] = useState(entry);
  const [fields, setFields] = useState(() => fieldsOf(entry));
  const [missing, setMissing] = useState<Missing>({});
  const [error, setError] = useState<unknown>(null);
  const [reloadError, setReloadError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"saving" | "reloading" | null>(null);
  const titleInput = useRef<HTMLInputElement>(null);
  const set = (change: Partial<EntryFields>) => setFields((f) => ({ ...f, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = missingFields(fields);
    setMissing(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy("saving");
    setError(null);
    try {
      onSaved(await saveEntry(api, fields, base));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const reload = async () => {
    if (!base) return;
    setBusy("reloading");
    setReloadError(null);
    try {
      const latest = await getEntry(api, base.id);
      setBase(latest);
      setFields(fieldsOf(latest));
      setError(null);
      // The Reload button goes away with the notice; carry on from the top of the form.
      titleInput.current?.focus();
    } catch (failure) {
      setReloadError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          ref={titleInput}
          label="Title"
          description="The question, as a customer would ask it"
          required
          value={fields.title}
          onChange={(e) => set({ title: e.currentTarget.value })}
          error={missing.title}
          maxLength={300}
        />
        <Textarea
          label="Content"
          description="The answer, quoted to customers as written"
          required
          autosize
          minRows={6}
          maxRows={16}
          value={fields.content}
          onChange={(e) => set({ content: e.currentTarget.value })}
          error={missing.content}
        />
        <TextInput
          label="Category"
          description="Lower-case letters, digits, spaces, - or _, such as orders (empty: general)"
          value={fields.category}
          onChange={(e) => set({ category: e.currentTarget.value })}
          maxLength={64}
        />
        <TagsInput
          label="Tags"
          description="Press Enter after each tag"
          value={fields.tags}
          onChange={(tags) => set({ tags })}
          maxTags={20}
        />
        {error !== null && isConflict(error) && (
          <Alert color="orange" variant="light" title="Someone else changed this entry">
            <Text size="sm">
              It was saved by someone else after you opened it, so your change was not saved. Reload
              it to see the latest version; reloading replaces what you typed here.
            </Text>
            <Button
              mt="sm"
              variant="default"
              onClick={() => void reload()}
              loading={busy === "reloading"}
            >
              Reload entry
            </Button>
          </Alert>
        )}
        {reloadError !== null && (
          <ErrorNotice title="The entry could not be reloaded" error={reloadError} />
        )}
        <FormFooter
          error={isConflict(error) ? null : error}
          errorTitle="The entry was not saved"
          saving={busy === "saving"}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}
