// Staged candidates do not pile up: at most `maxCandidates` are kept (the oldest go first), none older
// than `candidateTtlMs`, and their bytes (sources under candidates/<id>, plus the bundle validation built
// under revisions/<id>) stay under `stagingBytes`: a stage that would pass it is refused. A revision that
// has served (in the history: the active one, the previous one, every rollback target) is never deleted;
// only its staged sources may go.
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export interface StagingLimits {
  maxCandidates: number;
  candidateTtlMs: number;
  stagingBytes: number;
}

export const STAGING_DEFAULTS: StagingLimits = {
  maxCandidates: 20,
  candidateTtlMs: 7 * 24 * 3600 * 1000,
  stagingBytes: 64 * 1024 ** 2,
};

export interface StagedCandidate {
  id: string;
  staged_at: string;
  /** Its sources, and its built bundle unless that revision has served. */
  bytes: number;
}

export interface StagingDirs {
  candidates: string;
  revisions: string;
}

async function bytesOf(path: string): Promise<number> {
  let s;
  try {
    s = await stat(path);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const name of await readdir(path)) total += await bytesOf(join(path, name));
  return total;
}

/** Staged candidates, oldest first. */
export async function listCandidates(dirs: StagingDirs, served: ReadonlySet<string>): Promise<StagedCandidate[]> {
  let names: string[];
  try {
    names = await readdir(dirs.candidates);
  } catch {
    return [];
  }
  const out: Array<StagedCandidate & { t: number }> = [];
  for (const id of names) {
    let s;
    try {
      s = await stat(join(dirs.candidates, id));
    } catch {
      continue;
    }
    const built = served.has(id) ? 0 : await bytesOf(join(dirs.revisions, id));
    out.push({ id, staged_at: s.mtime.toISOString(), bytes: (await bytesOf(join(dirs.candidates, id))) + built, t: s.mtimeMs });
  }
  return out.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1)).map(({ t: _t, ...c }) => c);
}

/** Removes a candidate's sources and, unless it has served, its built bundle. */
export async function dropCandidate(dirs: StagingDirs, id: string, served: ReadonlySet<string>): Promise<void> {
  await rm(join(dirs.candidates, id), { recursive: true, force: true });
  if (!served.has(id)) await rm(join(dirs.revisions, id), { recursive: true, force: true });
}

/** Marks a candidate as staged now (its age counts from here). */
export async function touchCandidate(dirs: StagingDirs, id: string, now = new Date()): Promise<void> {
  await utimes(join(dirs.candidates, id), now, now);
}

/**
 * Drops expired candidates, then the oldest beyond `maxCandidates - room` (room: candidates about to be
 * staged). `keep` is never dropped (the one being re-staged). Returns what was dropped.
 */
export async function pruneCandidates(dirs: StagingDirs, limits: StagingLimits, served: ReadonlySet<string>, opts: { now?: number; room?: number; keep?: string } = {}): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const dropped: string[] = [];
  let left = [];
  for (const c of await listCandidates(dirs, served)) {
    if (c.id !== opts.keep && now - Date.parse(c.staged_at) > limits.candidateTtlMs) {
      await dropCandidate(dirs, c.id, served);
      dropped.push(c.id);
    } else left.push(c);
  }
  const max = Math.max(0, limits.maxCandidates - (opts.room ?? 0));
  left = left.filter((c) => c.id !== opts.keep);
  while (left.length > max) {
    const c = left.shift()!;
    await dropCandidate(dirs, c.id, served);
    dropped.push(c.id);
  }
  return dropped;
}
