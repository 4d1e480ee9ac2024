// Adapter around the `opa` binary (TERMSGATE_OPA, else <repo>/.tools/bin/opa, else `opa` on PATH), run
// confined: an environment holding only PATH, HOME and TMPDIR, CPU-time, address-space and file-size
// limits set by prlimit (util-linux) before opa starts (env -i, then prlimit, then opa: one process, exec'd), a wall-clock timeout, and capped output.
// Staged policies are the caller's code; nothing of the gateway's process may reach them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findOpa(): string {
  if (process.env.TERMSGATE_OPA) return process.env.TERMSGATE_OPA;
  // Walk up from this module (gateway/policy/toolchain or dist/gateway/policy/toolchain) to the repository root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, '.tools', 'bin', 'opa');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return 'opa';
}

function onPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

export const opaBinary = findOpa();
const systemPath = `${process.env.PATH ?? ''}${delimiter}/usr/bin${delimiter}/bin`;
const prlimitBinary = onPath('prlimit', systemPath);
const envBinary = onPath('env', systemPath);
/** The only PATH opa sees. */
const SANDBOX_PATH = '/usr/bin:/bin';

export interface OpaLimits {
  cpuSeconds: number;
  /**
   * RLIMIT_DATA (heap and private writable mappings). Not RLIMIT_AS: Go reserves address space far
   * beyond what it uses, and under an address-space limit opa fails at random on small inputs.
   */
  memoryBytes: number;
  wallMs: number;
  /** stdout and stderr together; opa is killed once it writes more. */
  outputBytes: number;
  /** Largest file opa may write (the bundle). */
  fileBytes: number;
}

export const OPA_LIMITS: OpaLimits = {
  cpuSeconds: 30,
  memoryBytes: 1024 ** 3,
  wallMs: 60_000,
  outputBytes: 1024 ** 2,
  fileBytes: 64 * 1024 ** 2,
};

export type OpaLimitHit = 'wall-clock' | 'cpu' | 'memory' | 'output';

export interface OpaResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when opa was stopped by a limit; stderr then says which. */
  limit?: OpaLimitHit;
}

export interface OpaRunOptions {
  cwd: string;
  /** HOME and TMPDIR for opa: directories inside the caller's sandbox. */
  home: string;
  tmp: string;
  limits?: OpaLimits;
}

const LIMIT_MESSAGES: Record<OpaLimitHit, (l: OpaLimits) => string> = {
  'wall-clock': (l) => `opa stopped: it ran longer than ${l.wallMs / 1000} s`,
  cpu: (l) => `opa stopped: it used more than ${l.cpuSeconds} s of CPU time`,
  memory: (l) => `opa stopped: it needed more than ${Math.round(l.memoryBytes / 1024 ** 2)} MiB of memory`,
  output: (l) => `opa stopped: it wrote more than ${Math.round(l.outputBytes / 1024)} KiB of output`,
};

export function runOpa(args: string[], opts: OpaRunOptions): Promise<OpaResult> {
  const limits = opts.limits ?? OPA_LIMITS;
  if (!prlimitBinary || !envBinary) {
    return Promise.resolve({ code: 127, stdout: '', stderr: 'prlimit (util-linux) and env (coreutils) are required to run opa confined' });
  }
  const rlimits = [`--cpu=${limits.cpuSeconds}`, `--data=${limits.memoryBytes}`, `--fsize=${limits.fileBytes}`, '--core=0'];
  return new Promise((resolve) => {
    // `env -i` clears what a spawn hook (a test runner, NODE_OPTIONS preloads) may add to the environment.
    const environment = [`PATH=${SANDBOX_PATH}`, `HOME=${opts.home}`, `TMPDIR=${opts.tmp}`];
    const child = spawn(envBinary, ['-i', ...environment, prlimitBinary, ...rlimits, '--', opaBinary, ...args], {
      cwd: opts.cwd,
      env: {},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let written = 0;
    let limit: OpaLimitHit | undefined;
    const stop = (hit: OpaLimitHit) => {
      limit ??= hit;
      child.kill('SIGKILL');
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      const room = limits.outputBytes - written;
      if (room > 0) into.push(chunk.subarray(0, room));
      written += chunk.length;
      if (written > limits.outputBytes) stop('output');
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => stop('wall-clock'), limits.wallMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: `cannot run opa: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (!limit && (signal === 'SIGXCPU' || (signal === 'SIGKILL' && code === null))) limit = 'cpu';
      if (!limit && /out of memory|failed to reserve|cannot allocate memory|pthread_create failed/i.test(stderr)) limit = 'memory';
      // On a limit or a crash, Go's stack dump says nothing useful to the editor (and shows the host's paths).
      if (limit) return resolve({ code: code || 1, stdout: '', stderr: LIMIT_MESSAGES[limit](limits), limit });
      const crash = /^(?:fatal error: .*|panic: .*|SIG[A-Z]+: .*)$/m.exec(stderr);
      if (crash && /^goroutine \d+/m.test(stderr)) return resolve({ code: code || 1, stdout: '', stderr: `opa crashed: ${crash[0]}` });
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}
