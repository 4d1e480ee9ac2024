// The stored perfect-subtree hashes of the Merkle tree: one append-only file per level under
// <audit>/tree, node i of level k at byte 32·i of tree/level-kk.bin. Derived from the records:
// what lies beyond the last checkpoint is rebuilt from the segments on open.
import { closeSync, existsSync, fstatSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HASH_SIZE, type StoredNode } from '../../tlog/merkle.js';

const fsyncAsync = promisify(fsync);

/** The file of one level's nodes in the tree directory. */
export const levelPath = (dir: string, level: number) => join(dir, `level-${String(level).padStart(2, '0')}.bin`);

export class TreeStore {
  readonly #dir: string;
  readonly #readOnly: boolean;
  #fds: number[] = [];
  #counts: number[] = [];
  #unsynced = new Set<number>();

  constructor(dir: string, readOnly: boolean) {
    this.#dir = dir;
    this.#readOnly = readOnly;
    if (!readOnly) mkdirSync(dir, { recursive: true });
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    for (const n of names) {
      const m = /^level-(\d{2})\.bin$/.exec(n);
      if (m) this.#fd(Number(m[1]));
    }
  }

  #fd(level: number): number {
    while (this.#fds.length <= level) {
      const l = this.#fds.length;
      const path = levelPath(this.#dir, l);
      const fd = openSync(path, this.#readOnly ? 'r' : existsSync(path) ? 'r+' : 'w+');
      this.#fds.push(fd);
      this.#counts.push(Math.floor(fstatSync(fd).size / HASH_SIZE));
    }
    return this.#fds[level];
  }

  /** How many leaves the stored tree covers completely (level 0 count). */
  get leafCount(): number {
    return this.#counts[0] ?? 0;
  }

  /** Drops nodes beyond a tree of `size` leaves. */
  truncate(size: number): void {
    for (let level = 0; level < this.#fds.length; level++) {
      const keep = Math.floor(size / 2 ** level);
      if (this.#counts[level] > keep) {
        ftruncateSync(this.#fds[level], keep * HASH_SIZE);
        this.#counts[level] = keep;
        this.#unsynced.add(this.#fds[level]);
      }
    }
  }

  /** Writes nodes completed by appends; each level's nodes arrive in index order. */
  write(nodes: StoredNode[]): void {
    const byLevel = new Map<number, StoredNode[]>();
    for (const n of nodes) {
      const list = byLevel.get(n.level);
      if (list) list.push(n);
      else byLevel.set(n.level, [n]);
    }
    for (const [level, list] of byLevel) {
      const fd = this.#fd(level);
      const data = Buffer.concat(list.map((n) => n.hash));
      const at = list[0].index * HASH_SIZE;
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written, at + written);
      this.#counts[level] = list[list.length - 1].index + 1;
      this.#unsynced.add(fd);
    }
  }

  read = (level: number, index: number): Buffer => {
    if (level >= this.#fds.length || index >= this.#counts[level]) throw new RangeError(`tree node ${level}/${index} is not stored`);
    const out = Buffer.allocUnsafe(HASH_SIZE);
    readSync(this.#fds[level], out, 0, HASH_SIZE, index * HASH_SIZE);
    return out;
  };

  async sync(): Promise<void> {
    const fds = [...this.#unsynced];
    this.#unsynced.clear();
    await Promise.all(fds.map((fd) => fsyncAsync(fd)));
  }

  close(): void {
    for (const fd of this.#fds) closeSync(fd);
    this.#fds = [];
  }
}
