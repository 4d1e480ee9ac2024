// Call content kept apart from the tree, one file per digest under <audit>/content/<2 hex>/<hex>.json,
// so retention can delete it while every record and proof stays intact.
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { canonicalJson, contentDigest } from './canonical.js';

const DIGEST = /^sha256:([0-9a-f]{64})$/;

export class ContentStore {
  readonly #dir: string;
  #unsynced: FileHandle[] = [];

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) throw new Error('malformed content digest');
    return join(this.#dir, m[1].slice(0, 2), `${m[1]}.json`);
  }

  /** Writes the value (reaching the OS before it resolves) and returns its digest; fsynced by sync(). */
  async put(value: unknown): Promise<string> {
    const text = canonicalJson(value);
    const digest = contentDigest(value);
    const path = this.#path(digest);
    mkdirSync(join(path, '..'), { recursive: true });
    let fh: FileHandle;
    try {
      fh = await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return digest;
      throw err;
    }
    await fh.writeFile(text);
    this.#unsynced.push(fh);
    return digest;
  }

  async sync(): Promise<void> {
    const handles = this.#unsynced;
    this.#unsynced = [];
    await Promise.all(handles.map(async (fh) => {
      await fh.datasync();
      await fh.close();
    }));
  }

  /** The stored content, or null when it was never stored or has been purged. */
  async get(digest: string): Promise<unknown | null> {
    try {
      return JSON.parse(await readFile(this.#path(digest), 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** The stored bytes as they are, for verification. */
  async raw(digest: string): Promise<string | null> {
    try {
      return await readFile(this.#path(digest), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Retention: deletes content written before `cutoff`; returns how many items went. */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    let purged = 0;
    let dirs: string[] = [];
    try {
      dirs = await readdir(this.#dir);
    } catch {
      return 0;
    }
    for (const d of dirs) {
      for (const name of await readdir(join(this.#dir, d))) {
        const path = join(this.#dir, d, name);
        if ((await stat(path)).mtimeMs < cutoff.getTime()) {
          await rm(path, { force: true });
          purged++;
        }
      }
    }
    return purged;
  }
}
