// /healthz latency while clients post 4 MB prompts, and the gateway's memory around a burst of them.
// Usage: npx tsc -p tsconfig.json && node dist/bench/egress/healthz-under-load.js [--inline] [--seconds N]
// --inline classifies every body on the event loop (how termsgate worked before the worker pool).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { startChild, waitReady } from '../children.js';
import { freePort } from '../free-port.js';
import { startMockProvider } from '../mock-provider.js';
import { treeRssBytes } from '../proc-stats.js';
import { percentile, sortedCopy } from '../stats.js';
import { termsgateConfigYaml } from '../termsgate-config.js';

const inline = process.argv.includes('--inline');
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const repoRoot = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'termsgate-healthz-'));
const virtualKey = 'tg-bench-' + Date.now();

const mock = await startMockProvider({ repoRoot, logDir: dir, latencyMs: 20, words: 40 });
const port = await freePort();
const config = parse(termsgateConfigYaml({ mockUrl: mock.url, port, dataDir: join(dir, 'data'), policyDir: join(repoRoot, 'policies'), virtualKey, providerKeyEnv: 'BENCH_PROVIDER_KEY' }));
config.limits = { bodyBytes: 8 * 1024 * 1024 };
config.intake = inline ? { inlineClassifyChars: Number.MAX_SAFE_INTEGER, classifyBudgetMs: 600_000 } : {};
writeFileSync(join(dir, 'termsgate.yaml'), stringify(config));
const gateway = startChild({
  name: 'termsgate',
  command: process.execPath,
  args: [join(repoRoot, 'dist/gateway/cli/main.js'), 'start', '--config', join(dir, 'termsgate.yaml')],
  logDir: dir,
  env: { BENCH_PROVIDER_KEY: 'unused', TERMSGATE_LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: 'true' },
});
const base = `http://127.0.0.1:${port}`;
const why = await waitReady(gateway, `${base}/healthz`, 30_000);
if (why) throw new Error(`termsgate: ${why}`);

const prompt = 'The committee reviewed the quarterly figures and agreed on next steps. '.repeat(4 * 1024 * 1024 / 71);
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
const post = async () => {
  const res = await request(`${base}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' }, body });
  await res.body.text();
  return res.statusCode;
};

/** Open loop: a probe every 20 ms whether or not the last one was answered, so a blocked event loop shows in every probe it holds up. */
async function healthz(forMs: number): Promise<number[]> {
  const probes: Array<Promise<number>> = [];
  const until = performance.now() + forMs;
  while (performance.now() < until) {
    const t0 = performance.now();
    probes.push(request(`${base}/healthz`).then(async (res) => (await res.body.text(), performance.now() - t0)));
    await sleep(20);
  }
  return Promise.all(probes);
}

const show = (label: string, times: number[]) => {
  const s = sortedCopy(times);
  console.log(`${label}: /healthz p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(1)} ms (${times.length} probes)`);
};

console.log(`classification: ${inline ? 'inline, on the event loop' : 'worker pool for large bodies (default)'}`);
show('idle', await healthz(2_000));
let stop = false;
const statuses: Record<number, number> = {};
const client = async () => {
  while (!stop) {
    const status = await post();
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
};
const rssBefore = treeRssBytes(gateway.pid);
const clients = [client(), client()];
show(`two clients posting 4 MB prompts for ${seconds} s`, await healthz(seconds * 1000));
stop = true;
await Promise.all(clients);
console.log(`  calls answered: ${JSON.stringify(statuses)}`);

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, treeRssBytes(gateway.pid))), 50);
await Promise.all(Array.from({ length: 8 }, post));
clearInterval(sampler);
await sleep(15_000);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
console.log(`RSS: before load ${mb(rssBefore)}, peak during 8 concurrent 4 MB bodies ${mb(peak)}, 15 s later ${mb(treeRssBytes(gateway.pid))}`);

await gateway.stop();
await mock.child.stop();
rmSync(dir, { recursive: true, force: true });
