// A revision names the rules and data it was built from: a content hash over the policy sources.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export interface SourceFile {
  /** POSIX path relative to the policy directory. */
  path: string;
  content: string;
}

export const isTestFile = (path: string): boolean => path.endsWith('_test.rego');
export const isSourceFile = (path: string): boolean => path.endsWith('.rego') || path.endsWith('.json');

/** sha256 over the sorted rules and data, tests excluded (they do not change a decision); 16 hex chars. Pure. */
export function revisionOf(files: readonly SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].filter((f) => !isTestFile(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.update(f.path).update('\0').update(f.content).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** The .rego and .json files under a policy directory, tests included. */
export async function readSources(dir: string): Promise<SourceFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: SourceFile[] = [];
  for (const e of entries) {
    if (!e.isFile() || !isSourceFile(e.name)) continue;
    const full = join(e.parentPath, e.name);
    files.push({ path: relative(dir, full).split(sep).join('/'), content: await readFile(full, 'utf8') });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Writes source files under `dir` (a staged candidate, a sandbox copy). */
export async function writeSources(dir: string, files: readonly SourceFile[]): Promise<void> {
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.content);
  }
}
