// Call content kept apart from the tree, one file per digest under <audit>/content/<2 hex>/<hex>.json,
// so retention can delete it while every record and proof stays intact.
import { existsSync, mkdirSync, statSync, utimesSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { canonicalOf } from '../../core/canonical-json.js';

const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** How old stored content may grow before a call that stores it again brings its time forward. */
const RESTAMP_MS = 3_600_000;

export class ContentStore {
  readonly #dir: string;
  #unsynced: FileHandle[] = [];
  #unsyncedDirs = new Set<string>();
  /** The <2 hex> folders made (or found) since start: each is made once, not looked up on every write. */
  #made = new Set<string>();
  #tmpCounter = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) throw new Error('malformed content digest');
    return join(this.#dir, m[1].slice(0, 2), `${m[1]}.json`);
  }

  /**
   * Writes the value and returns its digest; resolves once the bytes are in the OS, fsynced by sync().
   * Written to a temporary name and renamed, so a crash never leaves a partial file under a digest.
   * Content stored already is not written again, but its time is brought forward when it is older than
   * RESTAMP_MS: retention reads a file's age from its modification time, and the content of a new call
   * must live as long as that call's record (less at most RESTAMP_MS), not be purged with an older call's
   * that happened to say the same. One stat a call, as before; a touch an hour at most for repeated content.
   */
  async put(value: unknown): Promise<string> {
    const { text, digest } = canonicalOf(value);
    const path = this.#path(digest);
    const dir = dirname(path);
    const known = statSync(path, { throwIfNoEntry: false });
    if (known !== undefined) {
      const now = Date.now();
      if (now - known.mtimeMs > RESTAMP_MS) utimesSync(path, now / 1000, now / 1000);
      return digest;
    }
    const tmp = `${path}.tmp-${process.pid}-${this.#tmpCounter++}`;
    const fh = await this.#create(tmp, dir);
    await fh.writeFile(text);
    await rename(tmp, path);
    this.#unsynced.push(fh);
    this.#unsyncedDirs.add(dir);
    return digest;
  }

  async #create(tmp: string, dir: string): Promise<FileHandle> {
    if (!this.#made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#made.add(dir);
    }
    try {
      return await open(tmp, 'wx');
    } catch (err) {
      // The folder was removed behind our back (by hand): made again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dir, { recursive: true });
      return await open(tmp, 'wx');
    }
  }

  async sync(): Promise<void> {
    const handles = this.#unsynced;
    const dirs = [...this.#unsyncedDirs];
    this.#unsynced = [];
    this.#unsyncedDirs.clear();
    await Promise.all(handles.map(async (fh) => {
      await fh.datasync();
      await fh.close();
    }));
    await Promise.all(dirs.map(async (d) => {
      const fh = await open(d, 'r');
      await fh.sync();
      await fh.close();
    }));
  }

  /** Digests of all stored content. */
  async digests(): Promise<string[]> {
    const out: string[] = [];
    let dirs: string[] = [];
    try {
      dirs = await readdir(this.#dir);
    } catch {
      return out;
    }
    for (const d of dirs) for (const name of await readdir(join(this.#dir, d))) if (/^[0-9a-f]{64}\.json$/.test(name)) out.push(`sha256:${name.slice(0, 64)}`);
    return out;
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

  /** Retention candidates: digests of content written before `cutoff`, and leftovers of interrupted writes. */
  async olderThan(cutoff: Date): Promise<{ digests: string[]; leftovers: string[] }> {
    const digests: string[] = [];
    const leftovers: string[] = [];
    let dirs: string[] = [];
    try {
      dirs = await readdir(this.#dir);
    } catch {
      return { digests, leftovers };
    }
    for (const d of dirs) {
      for (const name of await readdir(join(this.#dir, d))) {
        const path = join(this.#dir, d, name);
        if ((await stat(path)).mtimeMs >= cutoff.getTime()) continue;
        if (/^[0-9a-f]{64}\.json$/.test(name)) digests.push(`sha256:${name.slice(0, 64)}`);
        else leftovers.push(path);
      }
    }
    return { digests, leftovers };
  }

  async remove(digest: string): Promise<void> {
    await rm(this.#path(digest), { force: true });
  }

  /** Removes a leftover of an interrupted write (a path olderThan returned). */
  async removePath(path: string): Promise<void> {
    if (!path.startsWith(this.#dir + '/')) throw new Error(`${path} is not in the content store`);
    await rm(path, { force: true });
  }

  /** Whether content is stored under the digest. */
  has(digest: string): boolean {
    return existsSync(this.#path(digest));
  }
}
