// The knowledge-base API. Shipped entry ids hold slashes (`policy/cancel-pending-order`); the
// server takes the rest of the path as the id, so each segment is encoded on its own.

import { type Api, query } from "../../shared/api";
import type { KnowledgeEntry, KnowledgePage } from "../../shared/types";

const BASE = "/api/v1/support/knowledge-base";
export const PAGE_SIZE = 20;
const DEFAULT_CATEGORY = "general";

export interface EntryFields {
  title: string;
  content: string;
  category: string;
  tags: string[];
}

export interface EntryFilter {
  q: string;
  category: string;
  page: number;
}

function entryPath(id: string): string {
  return `${BASE}/${id.split("/").map(encodeURIComponent).join("/")}`;
}

export function listEntries(api: Api, filter: EntryFilter): Promise<KnowledgePage> {
  const params = query({
    q: filter.q.trim(),
    category: filter.category.trim().toLowerCase(),
    page: filter.page,
    size: PAGE_SIZE,
  });
  return api.get<KnowledgePage>(`${BASE}${params}`);
}

export function getEntry(api: Api, id: string): Promise<KnowledgeEntry> {
  return api.get<KnowledgeEntry>(entryPath(id));
}

/** Adds a new entry, or changes `existing` at the version it was read (409 when stale). */
export function saveEntry(
  api: Api,
  fields: EntryFields,
  existing: KnowledgeEntry | null,
): Promise<KnowledgeEntry> {
  const body = { ...fields, category: fields.category.trim() || DEFAULT_CATEGORY };
  if (existing === null) return api.post<KnowledgeEntry>(BASE, body);
  return api.put<KnowledgeEntry>(entryPath(existing.id), { version: existing.version, ...body });
}

export function deleteEntry(api: Api, entry: KnowledgeEntry): Promise<void> {
  return api.delete<void>(`${entryPath(entry.id)}${query({ version: entry.version })}`);
}

export function fieldsOf(entry: KnowledgeEntry | null): EntryFields {
  if (!entry) return { title: "", content: "", category: DEFAULT_CATEGORY, tags: [] };
  const { title, content, category, tags } = entry;
  return { title, content, category, tags: [...tags] };
}
