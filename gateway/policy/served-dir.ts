// The policies directory as the store last read it (its revision and each source file's SHA-256), kept
// in <dataDir>/policy/dir-files.json, so an edit made outside the control plane — while the gateway
// runs or while it was stopped — is recorded as a `policy.reload` change naming the files it touched.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeInput } from '../core/change-record.js';
import { revisionOf, type SourceFile } from './revision.js';

/** The policies directory at one reading: its revision and each source file's SHA-256 (tests included). */
export interface DirState {
  revision: string;
  files: Record<string, string>;
}

export function dirState(sources: readonly SourceFile[]): DirState {
  return { revision: revisionOf(sources), files: Object.fromEntries(sources.map((f) => [f.path, createHash('sha256').update(f.content).digest('hex')])) };
}

export function changedFiles(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => a[p] !== b[p]).sort();
}

/** A `policy.reload` change: before/after name the serving revision, the directory's, and the digests of the files that changed (null: absent). */
export function dirChange(seen: DirState, now: DirState, before: string | null, after: string | null, outcome: 'done' | 'refused', error: string | null): ChangeInput {
  const changed = changedFiles(seen.files, now.files);
  const pick = (s: DirState) => Object.fromEntries(changed.map((p) => [p, s.files[p] ?? null]));
  return {
    action: 'policy.reload',
    target: now.revision,
    before: JSON.stringify({ revision: before, dir_revision: seen.revision, files: pick(seen) }),
    after: JSON.stringify({ revision: after, dir_revision: now.revision, files: pick(now) }),
    reason: 'policies directory edited outside the control plane',
    outcome,
    error,
  };
}

const SEEN_FILE = 'dir-files.json';

/** The last reading under the store's root (<dataDir>/policy), or null before the first. */
export async function readDirSeen(root: string): Promise<DirState | null> {
  try {
    return JSON.parse(await readFile(join(root, SEEN_FILE), 'utf8')) as DirState;
  } catch {
    return null;
  }
}

export async function writeDirSeen(root: string, state: DirState): Promise<void> {
  await writeFile(join(root, SEEN_FILE), JSON.stringify(state));
}
