// Adapter around the `opa` binary: TERMSGATE_OPA, else <repo>/.tools/bin/opa, else `opa` on PATH.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findOpa(): string {
  if (process.env.TERMSGATE_OPA) return process.env.TERMSGATE_OPA;
  // Walk up from this module (gateway/policy or dist/gateway/policy) to the repository root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, '.tools', 'bin', 'opa');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return 'opa';
}

export const opaBinary = findOpa();

export interface OpaResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runOpa(args: string[], cwd?: string): Promise<OpaResult> {
  return new Promise((resolve) => {
    execFile(opaBinary, args, { cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? String(err.message) : '') });
    });
  });
}
