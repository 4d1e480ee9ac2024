// The recent training records of each key, project and team (issue 22, #2): a restricted answer cut
// into short pieces, each sent in its own call under the span threshold, is caught once the pieces
// add up, because admission scans a record together with the records admitted just before it in the
// same scopes. A record that touches a restricted output (shares any sampled shingle with it, traced or
// not) is also kept apart as evidence of that output (its text around the shared words only), and a
// later record touching the same output is scanned after that evidence alone: unrelated records, or
// unrelated text around a piece, sent between the pieces neither stand between them in the text
// scanned nor push them out of the window. Bounded: per scope at most MAX_BYTES of the newest
// documents and EVIDENCE_BYTES of the newest evidence, younger than MAX_AGE_MS, and at most MAX_SCOPES
// scopes (the least recently used are forgotten first). In memory, per process.
import type { Principal } from '../core/contracts.js';

export type WindowScope = Pick<Principal, 'keyId' | 'project' | 'team'>;

interface Entry {
  seq: number;
  at: number;
  doc: string;
  /** The restricted outputs the record touches (decision ids): it is evidence of each. */
  touched: readonly string[];
}

/** What a record shows of the restricted outputs it touches: their decision ids, and its text around the shared words. */
export interface Evidence {
  touched: readonly string[];
  text: string;
}

interface ScopeEntries {
  recent: Entry[];
  evidence: Entry[];
}

export interface RecentWindowOptions {
  maxBytes?: number;
  /** Evidence kept per scope, for every output its records touch together. */
  evidenceBytes?: number;
  maxAgeMs?: number;
  maxScopes?: number;
  now?: () => number;
}

export class RecentWindows {
  readonly #maxBytes: number;
  readonly #evidenceBytes: number;
  readonly #maxAgeMs: number;
  readonly #maxScopes: number;
  readonly #now: () => number;
  readonly #scopes = new Map<string, ScopeEntries>();
  #seq = 0;

  constructor(opts: RecentWindowOptions = {}) {
    this.#maxBytes = opts.maxBytes ?? 4 * 1024;
    this.#evidenceBytes = opts.evidenceBytes ?? 16 * 1024;
    this.#maxAgeMs = opts.maxAgeMs ?? 60 * 60 * 1000;
    this.#maxScopes = opts.maxScopes ?? 4096;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * The documents a record is scanned after, oldest first, each once, at most maxBytes: when the record
   * touches restricted outputs, the scope's evidence of those outputs; otherwise its newest documents.
   */
  context(scope: WindowScope, touched: readonly string[] = []): string[] {
    const since = this.#now() - this.#maxAgeMs;
    const wanted = new Set(touched);
    const seen = new Map<number, Entry>();
    for (const name of names(scope)) {
      const entries = this.#scopes.get(name);
      if (!entries) continue;
      if (wanted.size > 0) {
        for (const e of entries.evidence) if (e.at >= since && e.touched.some((id) => wanted.has(id))) seen.set(e.seq, e);
      } else {
        for (const e of entries.recent) if (e.at >= since) seen.set(e.seq, e);
      }
    }
    const newestFirst = [...seen.values()].sort((a, b) => b.seq - a.seq);
    const kept: string[] = [];
    let bytes = 0;
    for (const e of newestFirst) {
      if (bytes + e.doc.length > this.#maxBytes) break;
      bytes += e.doc.length;
      kept.push(e.doc);
    }
    return kept.reverse();
  }

  /** Remembers an admitted record's document in each of its scopes, and its evidence when it touches restricted outputs. */
  add(scope: WindowScope, doc: string, evidence?: Evidence): void {
    const at = this.#now();
    const entry: Entry = { seq: ++this.#seq, at, doc: doc.slice(-this.#maxBytes), touched: [] };
    const shown: Entry | null = evidence && evidence.touched.length > 0 ? { seq: entry.seq, at, doc: evidence.text.slice(-this.#maxBytes), touched: evidence.touched } : null;
    const since = at - this.#maxAgeMs;
    for (const name of names(scope)) {
      const entries = this.#scopes.get(name) ?? { recent: [], evidence: [] };
      entries.recent = kept(entries.recent, entry, since, this.#maxBytes);
      if (shown) entries.evidence = kept(entries.evidence, shown, since, this.#evidenceBytes);
      // Re-inserted, so the map's order is least recently used first.
      this.#scopes.delete(name);
      this.#scopes.set(name, entries);
    }
    while (this.#scopes.size > this.#maxScopes) this.#scopes.delete(this.#scopes.keys().next().value!);
  }
}

/** The entries younger than `since` with `entry` after them, the oldest dropped past `maxBytes` (the newest always kept). */
function kept(entries: Entry[], entry: Entry, since: number, maxBytes: number): Entry[] {
  const out = entries.filter((e) => e.at >= since);
  out.push(entry);
  let bytes = out.reduce((n, e) => n + e.doc.length, 0);
  while (bytes > maxBytes && out.length > 1) bytes -= out.shift()!.doc.length;
  return out;
}

function names(scope: WindowScope): string[] {
  return [`key:${scope.keyId}`, `project:${scope.project}`, `team:${scope.team}`];
}
