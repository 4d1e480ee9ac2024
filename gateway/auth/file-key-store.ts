// The key store of a single node: one JSON file under <dataDir>/key-store, held in memory and
// rewritten whole on each change (gateway/core/atomic-file.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredKey } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { writeFileAtomic } from '../core/atomic-file.js';

export const KEY_STORE_DIR = 'key-store';
const FILE = 'keys.json';

export class FileKeyStore implements KeyStore {
  readonly #path: string;
  readonly #byId = new Map<string, StoredKey>();
  readonly #byHash = new Map<string, StoredKey>();
  /** Changes one after another, so the file always ends as the last change left it. */
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    const dir = join(dataDir, KEY_STORE_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#path = join(dir, FILE);
    let keys: StoredKey[] = [];
    try {
      keys = JSON.parse(readFileSync(this.#path, 'utf8')) as StoredKey[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`key store ${this.#path} cannot be read: ${(err as Error).message}`);
    }
    for (const k of keys) this.#index(k);
  }

  byHash(hash: string): StoredKey | null {
    return this.#byHash.get(hash) ?? null;
  }

  known(id: string): StoredKey | null {
    return this.#byId.get(id) ?? null;
  }

  async get(id: string): Promise<StoredKey | null> {
    return this.#byId.get(id) ?? null;
  }

  async list(): Promise<StoredKey[]> {
    return [...this.#byId.values()];
  }

  create(key: StoredKey): Promise<boolean> {
    return this.#change(() => (this.#byId.has(key.id) ? null : key)).then((k) => k !== null);
  }

  revoke(id: string, at: string): Promise<StoredKey | null> {
    return this.#change(() => {
      const k = this.#byId.get(id);
      if (!k || k.revokedAt !== null) return null;
      return { ...k, revokedAt: at };
    }).then((changed) => changed ?? this.#byId.get(id) ?? null);
  }

  rotate(id: string, hash: string, at: string): Promise<StoredKey | null> {
    return this.#change(() => {
      const k = this.#byId.get(id);
      if (!k || k.revokedAt !== null) return null;
      return { ...k, hash, rotatedAt: at };
    });
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  #index(k: StoredKey): void {
    const before = this.#byId.get(k.id);
    if (before && before.hash !== k.hash) this.#byHash.delete(before.hash);
    this.#byId.set(k.id, k);
    this.#byHash.set(k.hash, k);
  }

  /**
   * One change at a time: the next state is written first and held in memory only once the file has it,
   * so a failed write (disk full) leaves the key as it was — a rotation that failed never kills the old key,
   * a revocation that failed is not reported as done.
   */
  #change(next: () => StoredKey | null): Promise<StoredKey | null> {
    const run = async (): Promise<StoredKey | null> => {
      const k = next();
      if (k === null) return null;
      const keys = new Map(this.#byId);
      keys.set(k.id, k);
      await writeFileAtomic(this.#path, JSON.stringify([...keys.values()], null, 1));
      this.#index(k);
      return k;
    };
    const done = this.#writing.then(run, run);
    this.#writing = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }
}
