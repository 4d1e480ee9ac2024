// The recent training records of each key, project and team (issue 22, #2): a restricted answer cut
// into short pieces, each sent in its own call under the span threshold, is caught once the pieces
// add up, because admission scans a record together with the records admitted just before it in the
// same scopes. Bounded: per scope at most MAX_BYTES of the newest documents younger than MAX_AGE_MS,
// and at most MAX_SCOPES scopes (the least recently used are forgotten first). In memory, per process.
import type { Principal } from '../core/contracts.js';

export type WindowScope = Pick<Principal, 'keyId' | 'project' | 'team'>;

interface Entry {
  seq: number;
  at: number;
  doc: string;
}

export interface RecentWindowOptions {
  maxBytes?: number;
  maxAgeMs?: number;
  maxScopes?: number;
  now?: () => number;
}

export class RecentWindows {
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #maxScopes: number;
  readonly #now: () => number;
  readonly #scopes = new Map<string, Entry[]>();
  #seq = 0;

  constructor(opts: RecentWindowOptions = {}) {
    this.#maxBytes = opts.maxBytes ?? 4 * 1024;
    this.#maxAgeMs = opts.maxAgeMs ?? 60 * 60 * 1000;
    this.#maxScopes = opts.maxScopes ?? 4096;
    this.#now = opts.now ?? Date.now;
  }

  /** The recent documents of the scope's key, project and team, oldest first, each once; at most maxBytes. */
  context(scope: WindowScope): string[] {
    const since = this.#now() - this.#maxAgeMs;
    const seen = new Map<number, Entry>();
    for (const name of names(scope)) for (const e of this.#scopes.get(name) ?? []) if (e.at >= since) seen.set(e.seq, e);
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

  /** Remembers an admitted record's document in each of its scopes. */
  add(scope: WindowScope, doc: string): void {
    const entry: Entry = { seq: ++this.#seq, at: this.#now(), doc: doc.slice(-this.#maxBytes) };
    const since = entry.at - this.#maxAgeMs;
    for (const name of names(scope)) {
      const entries = (this.#scopes.get(name) ?? []).filter((e) => e.at >= since);
      entries.push(entry);
      let bytes = entries.reduce((n, e) => n + e.doc.length, 0);
      while (bytes > this.#maxBytes && entries.length > 1) bytes -= entries.shift()!.doc.length;
      // Re-inserted, so the map's order is least recently used first.
      this.#scopes.delete(name);
      this.#scopes.set(name, entries);
    }
    while (this.#scopes.size > this.#maxScopes) this.#scopes.delete(this.#scopes.keys().next().value!);
  }
}

function names(scope: WindowScope): string[] {
  return [`key:${scope.keyId}`, `project:${scope.project}`, `team:${scope.team}`];
}
