// Child processes of the benchmark: each system runs in its own process group, its output goes to
// a log file, and every group still alive is killed when the harness exits for any reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      process.exit(130);
    });
  }
}

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process exits, with its code or signal. */
  exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs` (5 s by default). */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(opts: {
  name: string;
  command: string;
  args: string[];
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Child {
  hookExit();
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      live.delete(child);
      resolve(`spawn failed: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  });
  return {
    name: opts.name,
    pid: child.pid ?? -1,
    logFile,
    exited,
    async stop(graceMs = 5_000) {
      killGroup(child, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) {
        killGroup(child, 'SIGKILL');
        await Promise.race([exited, sleep(2_000)]);
      }
      log.end();
    },
  };
}

/**
 * Polls `url` until `ready(status)` holds, the child exits, or `timeoutMs` passes. Resolves with
 * null when ready, or with the reason it is not.
 */
export async function waitReady(child: Child, url: string, timeoutMs: number, ready = (status: number) => status < 500): Promise<string | null> {
  let exit: string | null = null;
  void child.exited.then((why) => (exit = why));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exit !== null) return `exited before ready (${exit}); see ${child.logFile}`;
    try {
      const res = await request(url, { method: 'GET', headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      if (ready(res.statusCode)) return null;
      last = `HTTP ${res.statusCode}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  return `not ready after ${timeoutMs} ms (${last}); see ${child.logFile}`;
}
