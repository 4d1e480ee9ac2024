// What admission screens a record after (issue 22, #2), so that a restricted answer cut into short
// pieces, each sent in its own call under the span threshold, is caught once the pieces add up:
// - when it touches restricted outputs (shares any sampled shingle with them, traced or not), the
//   evidence of those outputs: the words around the shared shingles of every earlier record that
//   touched them, whoever sent it. The feed is one dataset: pieces of one output sent through several
//   keys or teams end up in the same student. Unrelated records, or unrelated text around a piece, sent
//   between the pieces neither stand between them in the text screened nor push them out;
// - otherwise (a piece too short to share a sampled shingle of its own) the recent records of its key,
//   project and team and the feed's newest records that touched restricted outputs, whichever output
//   it is of: the piece before it may have come through another key.
// Bounded: at most maxBytes of the newest documents per scope and of the feed's newest that touched
// restricted outputs, evidenceBytes per output, younger than maxAgeMs, for at most maxScopes scopes and maxOutputs outputs
// (the least recently used are forgotten first). In memory, per process; a fleet (several workers or
// replicas) keeps the same in PostgreSQL (pg-window.ts).
import type { Principal } from '../core/contracts.js';

export type WindowScope = Pick<Principal, 'keyId' | 'project' | 'team'>;

interface Entry {
  seq: number;
  at: number;
  doc: string;
}

/** What a record shows of the restricted outputs it touches: their decision ids, and its text around the shared words. */
export interface Evidence {
  touched: readonly string[];
  text: string;
}

/** The documents a record is screened after, oldest first, and whether they are evidence of the outputs it touches. */
export interface WindowContext {
  docs: string[];
  evidence: boolean;
}

/** Where admission keeps what it screens later records after: in memory (RecentWindows) or in PostgreSQL for a fleet (pg-window.ts). */
export interface AdmissionWindow {
  context(scope: WindowScope, touched?: readonly string[]): WindowContext | Promise<WindowContext>;
  add(scope: WindowScope, doc: string, evidence?: Evidence): void | Promise<void>;
}

export interface RecentWindowOptions {
  maxBytes?: number;
  /** Evidence kept per restricted output. */
  evidenceBytes?: number;
  maxAgeMs?: number;
  maxScopes?: number;
  maxOutputs?: number;
  now?: () => number;
}

export class RecentWindows implements AdmissionWindow {
  readonly #maxBytes: number;
  readonly #evidenceBytes: number;
  readonly #maxAgeMs: number;
  readonly #maxScopes: number;
  readonly #maxOutputs: number;
  readonly #now: () => number;
  readonly #scopes = new Map<string, Entry[]>();
  readonly #outputs = new Map<string, Entry[]>();
  /** The feed's newest records that touched restricted outputs, whole. */
  #latestTouching: Entry[] = [];
  #seq = 0;

  constructor(opts: RecentWindowOptions = {}) {
    this.#maxBytes = opts.maxBytes ?? 4 * 1024;
    this.#evidenceBytes = opts.evidenceBytes ?? 4 * 1024;
    this.#maxAgeMs = opts.maxAgeMs ?? 60 * 60 * 1000;
    this.#maxScopes = opts.maxScopes ?? 4096;
    this.#maxOutputs = opts.maxOutputs ?? 8192;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * At most maxBytes, each record once: when the record touches restricted outputs, the evidence of
   * those outputs; otherwise the newest documents of its key, project and team, and the feed's newest that touched restricted outputs.
   */
  context(scope: WindowScope, touched: readonly string[] = []): WindowContext {
    const since = this.#now() - this.#maxAgeMs;
    const seen = new Map<number, Entry>();
    const lists = touched.length > 0 ? touched.map((id) => this.#outputs.get(id)) : [this.#latestTouching, ...names(scope).map((name) => this.#scopes.get(name))];
    for (const list of lists) for (const e of list ?? []) if (e.at >= since) seen.set(e.seq, e);
    return { docs: newestWithin([...seen.values()], this.#maxBytes), evidence: touched.length > 0 };
  }

  /** Remembers an admitted record's document in each of its scopes, and its evidence under each output it touches. */
  add(scope: WindowScope, doc: string, evidence?: Evidence): void {
    const at = this.#now();
    const seq = ++this.#seq;
    const since = at - this.#maxAgeMs;
    const entry: Entry = { seq, at, doc: doc.slice(-this.#maxBytes) };
    for (const name of names(scope)) remember(this.#scopes, name, kept(this.#scopes.get(name), entry, since, this.#maxBytes), this.#maxScopes);
    if (!evidence || evidence.touched.length === 0) return;
    const shown: Entry = { seq, at, doc: evidence.text.slice(-this.#evidenceBytes) };
    for (const id of evidence.touched) remember(this.#outputs, id, kept(this.#outputs.get(id), shown, since, this.#evidenceBytes), this.#maxOutputs);
    this.#latestTouching = kept(this.#latestTouching, entry, since, this.#maxBytes);
  }
}

/** Sets the entries under `name` as the most recently used, forgetting the least recently used past `max`. */
function remember(map: Map<string, Entry[]>, name: string, entries: Entry[], max: number): void {
  map.delete(name);
  map.set(name, entries);
  while (map.size > max) map.delete(map.keys().next().value!);
}

/** The entries younger than `since` with `entry` after them, the oldest dropped past `maxBytes` (the newest always kept). */
function kept(entries: Entry[] | undefined, entry: Entry, since: number, maxBytes: number): Entry[] {
  const out = (entries ?? []).filter((e) => e.at >= since);
  out.push(entry);
  let bytes = out.reduce((n, e) => n + e.doc.length, 0);
  while (bytes > maxBytes && out.length > 1) bytes -= out.shift()!.doc.length;
  return out;
}

/** The newest documents (each record once) that fit in maxBytes together, oldest first. */
export function newestWithin(entries: ReadonlyArray<{ seq: number; doc: string }>, maxBytes: number): string[] {
  const docs: string[] = [];
  let bytes = 0;
  for (const e of [...entries].sort((a, b) => b.seq - a.seq)) {
    if (bytes + e.doc.length > maxBytes) break;
    bytes += e.doc.length;
    docs.push(e.doc);
  }
  return docs.reverse();
}

/** The names of a scope's key, project and team. */
export function names(scope: WindowScope): string[] {
  return [`key:${scope.keyId}`, `project:${scope.project}`, `team:${scope.team}`];
}
