// A throw-away directory in which opa works on a copy of the policy sources: policy/ (the sources, the
// working directory), home/ and tmp/ (opa's HOME and TMPDIR), out/ (what it builds), and the sandbox
// capabilities file. Every opa invocation on policy sources goes through one of these.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPA_LIMITS, runOpa, type OpaLimits, type OpaResult } from './opa-cli.js';
import { sandboxCapabilities, type Capabilities } from './removed-builtins.js';
import { writeSources, type SourceFile } from '../revision.js';

let capabilitiesJson: Promise<string> | null = null;

/** OPA's current capabilities minus the removed built-ins, derived once per process. */
export function sandboxCapabilitiesJson(): Promise<string> {
  capabilitiesJson ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), 'termsgate-opa-caps-'));
    try {
      const r = await runOpa(['capabilities', '--current'], { cwd: root, home: root, tmp: root });
      if (r.code !== 0) throw new Error(`opa capabilities --current failed: ${r.stderr.trim()}`);
      return JSON.stringify(sandboxCapabilities(JSON.parse(r.stdout) as Capabilities));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  })();
  capabilitiesJson.catch(() => (capabilitiesJson = null));
  return capabilitiesJson;
}

export class OpaSandbox {
  readonly policyDir: string;
  readonly outDir: string;
  readonly capabilitiesFile: string;

  private constructor(
    readonly root: string,
    readonly limits: OpaLimits,
  ) {
    this.policyDir = join(root, 'policy');
    this.outDir = join(root, 'out');
    this.capabilitiesFile = join(root, 'capabilities.json');
  }

  static async open(sources: readonly SourceFile[], limits: OpaLimits = OPA_LIMITS): Promise<OpaSandbox> {
    const sandbox = new OpaSandbox(await mkdtemp(join(tmpdir(), 'termsgate-opa-')), limits);
    try {
      for (const d of ['policy', 'home', 'tmp', 'out']) await mkdir(join(sandbox.root, d));
      await writeFile(sandbox.capabilitiesFile, await sandboxCapabilitiesJson());
      await writeSources(sandbox.policyDir, sources);
      return sandbox;
    } catch (err) {
      await sandbox.close();
      throw err;
    }
  }

  /** Runs opa in policy/; the sandbox's own path is cut from what it prints. */
  async run(args: string[]): Promise<OpaResult> {
    const r = await runOpa(args, { cwd: this.policyDir, home: join(this.root, 'home'), tmp: join(this.root, 'tmp'), limits: this.limits });
    const strip = (s: string) => s.split(`${this.policyDir}/`).join('').split(this.root).join('<sandbox>');
    return { ...r, stdout: strip(r.stdout), stderr: strip(r.stderr) };
  }

  async close(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export async function withSandbox<T>(sources: readonly SourceFile[], fn: (sandbox: OpaSandbox) => Promise<T>, limits?: OpaLimits): Promise<T> {
  const sandbox = await OpaSandbox.open(sources, limits);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}
