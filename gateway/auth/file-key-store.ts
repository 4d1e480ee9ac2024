// The key store of a single node: one JSON file under <dataDir>/key-store, held in memory and
// rewritten whole on each change (gateway/auth/atomic-file.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredKey } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { writeFileAtomic } from './atomic-file.js';

export const KEY_STORE_DIR = 'key-store';
const FILE = 'keys.json';

export class FileKeyStore implements KeyStore {
  readonly #path: string;
  readonly #byId = new Map<string, StoredKey>();
  readonly #byHash = new Map<string, StoredKey>();
  /** Writes one after another, so the file always ends as the last change left it. */
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

  async create(key: StoredKey): Promise<boolean> {
    if (this.#byId.has(key.id)) return false;
    this.#index(key);
    await this.#save();
    return true;
  }

  async revoke(id: string, at: string): Promise<StoredKey | null> {
    const k = this.#byId.get(id);
    if (!k) return null;
    if (k.revokedAt === null) {
      this.#index({ ...k, revokedAt: at });
      await this.#save();
    }
    return this.#byId.get(id)!;
  }

  async rotate(id: string, hash: string, at: string): Promise<StoredKey | null> {
    const k = this.#byId.get(id);
    if (!k || k.revokedAt !== null) return null;
    this.#byHash.delete(k.hash);
    this.#index({ ...k, hash, rotatedAt: at });
    await this.#save();
    return this.#byId.get(id)!;
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  #index(k: StoredKey): void {
    this.#byId.set(k.id, k);
    this.#byHash.set(k.hash, k);
  }

  #save(): Promise<void> {
    const text = JSON.stringify([...this.#byId.values()], null, 1);
    const write = () => writeFileAtomic(this.#path, text);
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }
}
