// Retention of the meaning index ("retention applies to it as to content"): `termsgate audit
// purge-content` records its cutoff in <dataDir>/provenance/meaning-retention.json, and each process
// that writes a semantic log forgets the outputs served before it — at start, and within
// retentionCheckMs while it runs (semantic-provenance.ts), since only a log's writer may rewrite it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFramedLog } from '../framed-log.js';
import { decodeHeader, forgottenUnder } from './semantic-record.js';
import { SEEN_FOR_MS } from './seen-windows.js';

export function meaningCutoffPath(dataDir: string): string {
  return join(dataDir, 'provenance', 'meaning-retention.json');
}

/** The cutoff (ms since the epoch) outputs served before are forgotten, or null when none was set. */
export function readMeaningCutoff(dataDir: string): number | null {
  const path = meaningCutoffPath(dataDir);
  if (!existsSync(path)) return null;
  const { before } = JSON.parse(readFileSync(path, 'utf8')) as { before: number };
  return Number.isFinite(before) ? before : null;
}

/**
 * Outputs served before this are forgotten under a cutoff: SEEN_FOR_MS earlier, since a copy served up
 * to SEEN_FOR_MS after an output was not indexed again (seen-windows.ts) and is traced through it.
 */
export function forgottenBefore(cutoffMs: number): number {
  return cutoffMs - SEEN_FOR_MS;
}

/** Records a cutoff; a later cutoff never moves back (what was forgotten stays forgotten). Returns the one in force. */
export function setMeaningCutoff(dataDir: string, cutoff: Date): number {
  const before = Math.max(cutoff.getTime(), readMeaningCutoff(dataDir) ?? -Infinity);
  const path = meaningCutoffPath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify({ before, set: new Date().toISOString() }));
  renameSync(`${path}.tmp`, path);
  return before;
}

/** The semantic logs of the data directory: one per gateway process or worker slot (semanticLogPath). */
export function semanticLogs(dataDir: string): { path: string; worker?: number }[] {
  const dir = join(dataDir, 'provenance');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const m = /^semantic(?:-(\d+))?\.log$/.exec(name);
    return m ? [{ path: join(dir, name), worker: m[1] === undefined ? undefined : Number(m[1]) }] : [];
  });
}

/** How many outputs a log still holds that retention with outputs served before `beforeMs` forgotten takes (headers alone are read). */
export function heldBefore(logPath: string, beforeMs: number): number {
  let held = 0;
  readFramedLog(logPath, decodeHeader, (header) => {
    if (forgottenUnder(header, beforeMs)) held++;
  });
  return held;
}
