// Adapter: a bundle on disk. Every revision keeps its bundle.tar.gz unpacked under
// <dataDir>/policy/revisions/<revision>/ so activation and rollback need no rebuild.
import { mkdir, readFile, rename, rm, writeFile, mkdtemp, access } from 'node:fs/promises';
import { join } from 'node:path';
import { x as untar } from 'tar';
import type { CallFacts } from '../core/contracts.js';
import { PolicyEngine } from './engine.js';
import { isTestFile, type SourceFile } from './revision.js';

export interface BundleManifest {
  revision?: string;
}

// The runtime needs only these; the Rego sources inside a bundle stay in the tarball.
const RUNTIME_FILES = new Set(['policy.wasm', 'data.json', '.manifest']);

/** Unpacks the runtime files of bundle.tar.gz (already inside `dir`) next to it. */
export async function unpackBundle(dir: string): Promise<void> {
  await untar({ file: join(dir, 'bundle.tar.gz'), cwd: dir, filter: (path) => RUNTIME_FILES.has(path.replace(/^\/+/, '')) });
}

export async function readManifest(dir: string): Promise<BundleManifest> {
  try {
    return JSON.parse(await readFile(join(dir, '.manifest'), 'utf8')) as BundleManifest;
  } catch {
    return {};
  }
}

/** A call every policy must be able to decide; a bundle that throws on it is refused before it serves. */
export const probeFacts: CallFacts = {
  principal: { keyId: 'probe', team: 'probe', project: 'probe', defaultPurpose: 'general', allowedPurposes: ['general'] },
  purpose: 'general',
  endpoint: 'chat.completions',
  route: { name: 'probe', providerId: 'probe', providerKind: 'openai', external: true, upstreamModel: 'probe', revision: 'probe', licence: 'probe' },
  dataClasses: { classes: [], counts: {} },
  stream: false,
  now: '2026-01-01T00:00:00Z',
};

/**
 * Whether decisions may be reused across calls that differ only in time: the rules must read named input
 * fields other than `now`, never input.now or the input as a whole. Without sources (fleet bundles), no.
 */
export function timeIndependent(sources: readonly SourceFile[] | null): boolean {
  if (!sources) return false;
  const otherFields = /\binput\b(?!\.(?:principal|purpose|endpoint|route|data_classes|data_class_counts|data_class_paths|stream|distillation)\b)/;
  return !sources.some((f) => f.path.endsWith('.rego') && !isTestFile(f.path) && otherFields.test(f.content.replace(/#.*$/gm, '')));
}

async function readSourcesJson(dir: string): Promise<SourceFile[] | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'sources.json'), 'utf8')) as SourceFile[];
  } catch {
    return null;
  }
}

/**
 * Loads the unpacked bundle in `dir` and proves it decides; memoizes when its sources allow (see
 * timeIndependent), unless `memoize: false` (a decision that must be timed, not answered from the memo).
 */
export async function loadEngine(dir: string, revision: string, sources?: readonly SourceFile[], opts: { memoize?: false } = {}): Promise<PolicyEngine> {
  const wasm = await readFile(join(dir, 'policy.wasm'));
  const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8')) as unknown;
  const memoize = opts.memoize ?? timeIndependent(sources ?? (await readSourcesJson(dir)));
  const engine = await PolicyEngine.load(revision, wasm, data, { memoize });
  engine.decide(probeFacts);
  return engine;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves a prepared revision directory into place; an existing one with the same revision is kept. */
export async function commitRevisionDir(revisionsDir: string, revision: string, prepared: string): Promise<string> {
  const target = join(revisionsDir, revision);
  if (await exists(target)) {
    await rm(prepared, { recursive: true, force: true });
  } else {
    await mkdir(revisionsDir, { recursive: true });
    await rename(prepared, target);
  }
  return target;
}

/** A scratch directory beside the revisions, so the final rename stays on one filesystem. */
export async function scratchDir(policyDataDir: string): Promise<string> {
  const tmp = join(policyDataDir, 'tmp');
  await mkdir(tmp, { recursive: true });
  return mkdtemp(join(tmp, 'r-'));
}

export async function writeBundleBytes(dir: string, bytes: Uint8Array): Promise<void> {
  await writeFile(join(dir, 'bundle.tar.gz'), bytes);
}
