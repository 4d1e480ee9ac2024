// Starts the one mock provider all systems share: `termsgate mock-upstream` in its own process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, waitReady, type Child } from './children.js';
import { freePort } from './free-port.js';

export async function startMockProvider(opts: { repoRoot: string; logDir: string; latencyMs: number; words: number }): Promise<{ child: Child; url: string }> {
  const cli = join(opts.repoRoot, 'dist/gateway/cli/mock-upstream.js');
  if (!existsSync(cli)) throw new Error(`the mock provider is not built (${cli} missing); run make build`);
  const port = await freePort();
  const child = startChild({
    name: 'mock-upstream',
    command: process.execPath,
    args: [join(opts.repoRoot, 'dist/gateway/cli/main.js'), 'mock-upstream', '--port', String(port), '--latency-ms', String(opts.latencyMs), '--words', String(opts.words)],
    logDir: opts.logDir,
  });
  const url = `http://127.0.0.1:${port}`;
  const why = await waitReady(child, `${url}/v1/models`, 15_000);
  if (why) {
    await child.stop();
    throw new Error(`mock provider: ${why}`);
  }
  return { child, url };
}
