// The change being prepared: edited files (path → new content) on top of one active revision. Forms
// and the Rego editor put files here; the change screen checks, previews and activates them.
export interface Draft {
  /** The revision the edits were made against. */
  base: string | null;
  /** Content of each edited file in the base revision (absent for new files). */
  original: Map<string, string>;
  files: Map<string, string>;
}

export const draft: Draft = { base: null, original: new Map(), files: new Map() };

export function setDraftFile(base: string, path: string, original: string | undefined, content: string): void {
  if (draft.base !== base) discardDraft();
  draft.base = base;
  if (original !== undefined && !draft.original.has(path)) draft.original.set(path, original);
  if (content === draft.original.get(path)) draft.files.delete(path);
  else draft.files.set(path, content);
}

export function discardDraft(): void {
  draft.base = null;
  draft.original.clear();
  draft.files.clear();
}

/** The file as the user sees it now: their draft, or the base revision's content. */
export function currentFile(path: string, sources: Map<string, string>): string | undefined {
  return draft.files.get(path) ?? sources.get(path);
}
