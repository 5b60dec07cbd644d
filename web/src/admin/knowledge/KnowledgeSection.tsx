// Knowledge base: search and page through the entries the AI answers from; add, change, delete.

import { Group, Pagination, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useRef, useState } from "react";
import type { Api } from "../../shared/api";
import type { KnowledgeEntry } from "../../shared/types";
import { ConfirmDialog } from "../ConfirmDialog";
import { EditorModal } from "../EditorModal";
import { EmptyNote, ErrorNotice, Loading } from "../Feedback";
import { SectionHeader } from "../SectionHeader";
import { useEditor } from "../useEditor";
import { useResource } from "../useResource";
import { deleteEntry, listEntries, PAGE_SIZE } from "./entries";
import { EntriesTable } from "./EntriesTable";
import { EntryForm } from "./EntryForm";

const DEBOUNCE_MS = 300;
const CONTROL_LABELS = {
  first: "First page",
  previous: "Previous page",
  next: "Next page",
  last: "Last page",
} as const;

export function KnowledgeSection({ api }: { api: Api }) {
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState("");
  const [page, setPage] = useState(1);
  const [q] = useDebouncedValue(search, DEBOUNCE_MS);
  const [cat] = useDebouncedValue(category, DEBOUNCE_MS);
  const [deleting, setDeleting] = useState<KnowledgeEntry | null>(null);
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);

  const filter = { q, category: cat, page };
  const list = useResource(JSON.stringify(filter), () => listEntries(api, filter));
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;

  const editor = useEditor((entry: KnowledgeEntry) => {
    setNotice(`Saved “${entry.title}”.`);
    list.reload();
  });

  const remove = async () => {
    if (!deleting) return;
    await deleteEntry(api, deleting);
    setNotice(`Deleted “${deleting.title}”.`);
    // The last entry of the last page is gone: show the page before it.
    if (page > 1 && list.data?.items.length === 1) setPage(page - 1);
    else list.reload();
  };

  const caption = list.data
    ? `Knowledge-base entries: ${list.data.total} found, page ${list.data.page} of ${pages}`
    : "Knowledge-base entries";

  return (
    <Stack gap="lg">
      <SectionHeader
        title="Knowledge base"
        addLabel="New entry"
        onAdd={editor.create}
        headingRef={heading}
      />
      <Group align="flex-start" grow preventGrowOverflow={false}>
        <TextInput
          type="search"
          label="Search the knowledge base"
          description="Every word must appear in the title, content or tags"
          leftSection={<IconSearch size={16} aria-hidden="true" />}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          maxLength={200}
        />
        <TextInput
          label="Filter by category"
          description="Show only this category (for example: orders)"
          value={category}
          onChange={(e) => {
            setCategory(e.currentTarget.value);
            setPage(1);
          }}
          maxLength={64}
        />
      </Group>
      <Text role="status" size="sm">
        {notice}
      </Text>
      {list.error !== null && (
        <ErrorNotice title="The entries could not be loaded" error={list.error} />
      )}
      {list.data === null && list.loading && <Loading label="Loading entries…" />}
      {list.data && list.data.items.length === 0 && (
        <EmptyNote>
          {q || cat ? "No entry matches this search." : "The knowledge base has no entries yet."}
        </EmptyNote>
      )}
      {list.data && list.data.items.length > 0 && (
        <EntriesTable
          entries={list.data.items}
          caption={caption}
          onEdit={editor.edit}
          onDelete={(entry) => setDeleting(entry)}
        />
      )}
      {pages > 1 && (
        <nav aria-label="Knowledge-base pages">
          <Pagination
            total={pages}
            value={page}
            onChange={setPage}
            getItemProps={(n) => ({ "aria-label": `Page ${n}` })}
            getControlProps={(control) => ({ "aria-label": CONTROL_LABELS[control] })}
          />
        </nav>
      )}
      <EditorModal editor={editor} newTitle="New entry" editTitle="Edit entry" size="lg">
        {(entry) => (
          <EntryForm
            key={entry?.id ?? "new"}
            api={api}
            entry={entry}
            onSaved={editor.saved}
            onCancel={editor.close}
          />
        )}
      </EditorModal>
      <ConfirmDialog
        subject={deleting ? `the entry “${deleting.title}”` : null}
        title="Delete entry"
        confirmLabel="Delete"
        onConfirm={remove}
        onClose={() => setDeleting(null)}
        focusAfter={heading}
      />
    </Stack>
  );
}
