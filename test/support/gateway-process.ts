// Test helper: the built gateway (dist/gateway/cli/main.js start, so `npx tsc` first) as its own process with a
// given configuration, for fleet tests that need several replicas. Stopped with SIGTERM, and its data
// directory removed, when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../gateway/config/types.js';

export const cliMain = fileURLToPath(new URL('../../dist/gateway/cli/main.js', import.meta.url));

/** Starts it and resolves with the URL it listens on once it says so (at most 60 s). */
export async function startGatewayProcess(t: Tap.Test, config: Config, env: Record<string, string>): Promise<string> {
  const configFile = join(config.dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const proc: ChildProcess = spawn(process.execPath, [cliMain, 'start', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, OTEL_SDK_DISABLED: 'true', TERMSGATE_LOG_LEVEL: 'info' },
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  t.teardown(async () => {
    proc.kill('SIGTERM');
    await exited;
    rmSync(config.dataDir, { recursive: true, force: true });
  });
  for (let waited = 0; !/termsgate listening on (\S+)/.test(out); waited += 50) {
    if (proc.exitCode !== null || waited > 60_000) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return /termsgate listening on (\S+)/.exec(out)![1];
}
