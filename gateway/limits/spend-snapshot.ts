// One node's spend as it stood when the gateway stopped cleanly, beside the audit log's size and tree
// root at that moment (<dataDir>/limits/spend-snapshot.json): a start restores it and counts only the
// records appended since, instead of reading the whole audit log before the gateway listens (500,000
// records took 9.1 s on this machine, 2 ms with the snapshot: bench/limits/spend-start.bench.ts). A snapshot whose root is not the log's
// root at its size (another log, a log rebuilt or cut short) is not used.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { SpendEntry } from './spend.js';

/** The audit log's tree, as far as a snapshot needs it. */
export interface LogTree {
  size(): Promise<number>;
  root(size: number): Promise<Buffer>;
}

export interface SpendSnapshot {
  /** Records of the audit log the totals count (seq 0 to size − 1). */
  size: number;
  totals: SpendEntry[];
}

export const spendSnapshotPath = (dataDir: string) => join(dataDir, 'limits', 'spend-snapshot.json');

interface Stored {
  version: 1;
  size: number;
  root: string;
  totals: SpendEntry[];
}

const isEntry = (e: unknown): e is SpendEntry => {
  const x = e as SpendEntry;
  return typeof x === 'object' && x !== null && typeof x.subject === 'string' && typeof x.period === 'string' && typeof x.usd === 'number' && Number.isFinite(x.usd) && x.usd >= 0;
};

/** The snapshot, when there is one that names this log: its root at the snapshot's size is the log's. Else null. */
export async function readSpendSnapshot(path: string, tree: LogTree): Promise<SpendSnapshot | null> {
  let stored: Stored;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as Stored;
  } catch {
    return null;
  }
  if (stored?.version !== 1 || !Number.isSafeInteger(stored.size) || stored.size <= 0 || typeof stored.root !== 'string' || !Array.isArray(stored.totals) || !stored.totals.every(isEntry)) return null;
  if (stored.size > (await tree.size())) return null;
  const root = await tree.root(stored.size).catch(() => null);
  if (!root || root.toString('hex') !== stored.root) return null;
  return { size: stored.size, totals: stored.totals };
}

/** Writes the snapshot of `totals`, which count the records below `size`, whose tree has `root`; replaced whole. */
export async function writeSpendSnapshot(path: string, snapshot: SpendSnapshot & { root: Buffer }): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const stored: Stored = { version: 1, size: snapshot.size, root: snapshot.root.toString('hex'), totals: snapshot.totals };
  await writeFileAtomic(path, JSON.stringify(stored));
}
