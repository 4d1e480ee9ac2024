// The soak under mixed attack (issue 21): termsgate in front of the mock provider and a hostile
// provider (bench/hostile-provider.ts, 127.0.0.1), loaded with normal calls at a steady rate
// throughout, and for S seconds in the middle also with every attack of issue 21 at once, each bounded
// in concurrency (or, with --attack-only, one attack alone). Sampled every 5 s: RSS and fds of the gateway's
// process tree, its V8 heap used and event-loop delay since the previous sample (from /metrics), /healthz
// latency (a probe every 100 ms), and the normal calls' latency and failures. Reported per window: before (the first
// 30 s), during (the attacks), after (30 s of normal load once every attack has ended).
// Every loop below stops itself: at the end of its window, and each request or socket has its own bound.
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { windowFigures, windowsMarkdown, type Bounds, type ProcSample, type Timed, type WindowFigures } from './attack-windows.js';
import { startChild, waitReady } from './children.js';
import { freePort } from './free-port.js';
import { scrapeGauges } from './heap-metric.js';
import { ATTACK_MAX_MS, startHostileProvider, type HostileAttack, type HostileStats } from './hostile-provider.js';
import { openFdCount, treeRssBytes } from './proc-stats.js';
import { chatBody, model } from './request-body.js';
import { ATTACK_NAMES, type AttackName } from './options.js';
import { percentile, sortedCopy } from './stats.js';
import type { BenchContext } from './systems.js';
import { termsgateConfigYaml } from './termsgate-config.js';

const SAMPLE_EVERY_MS = 5_000;
const PROBE_EVERY_MS = 100;
const WARMUP_S = 5;
const BEFORE_S = 30;
const AFTER_S = 30;
/** Shorter windows around one attack alone (--attack-only), which is run to be compared, not soaked. */
const ONLY_BEFORE_AFTER_S = 10;
/** Normal calls per second, open loop, for the whole run. */
const NORMAL_RATE = 20;
const SLOW_READERS_MAX = 30;
/** A slow reader not disconnected by the gateway is closed by the bench after this. */
const SLOW_READER_HOLD_MS = 15_000;
const HOSTILE_KINDS = ['endless-json', 'endless-stream', 'huge-event'] as const satisfies readonly HostileAttack[] & readonly AttackName[];
const LARGE_BODY_LOOPS = 2;
const LARGE_BODY_SIZES = [1, 2, 3, 4].map((m) => m * 1_000_000);
/** The limits the gateway runs with: clientWriteMs and upstreamTotalMs shorter than their defaults (30 s, 600 s), so attacks end within the window. */
export const ATTACK_LIMITS = { clientWriteMs: 10_000, upstreamTotalMs: 20_000 };

export interface AttackTally {
  slowReaders: { opened: number; closedByGateway: number; closedByBench: number; peakOpen: number };
  hostile: Record<string, { calls: number; statuses: Record<string, number>; p50Ms: number; maxMs: number }>;
  largeBodies: { calls: number; bytes: number; statuses: Record<string, number>; p50Ms: number; maxMs: number };
  previews: { runs: number; ok: number; failed: number; p50Ms: number; maxMs: number; lastError: string | null };
  provider: HostileStats;
}

export interface AttackSoakResult {
  attackS: number;
  normalRate: number;
  limits: typeof ATTACK_LIMITS;
  bounds: Bounds;
  windows: WindowFigures[];
  attacks: AttackTally;
  samples: Array<ProcSample & { healthzP99Ms: number; callP99Ms: number; callFailures: number }>;
  loopDelayNote: string;
  /** The attacks that ran: all of them, or the one of --attack-only. */
  attacksRun: AttackName[];
}

export const LOOP_DELAY_NOTE =
  "Event-loop delay: termsgate's own gauges nodejs.eventloop.delay.p99 and .max on /metrics, each scrape (every 5 s) covering the time since the previous one; a window's figure is its worst 5 s p99 and its max. /healthz: one probe every 100 ms, sequential, from the bench process.";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hash = (secret: string) => 'sha256:' + createHash('sha256').update(secret, 'utf8').digest('hex');
const mb = (b: number) => (b / 1048576).toFixed(1);

/** Prose of about `bytes` bytes, free of anything the classifier flags, in a chat body. */
function largeBody(bytes: number): string {
  const sentence = JSON.parse(chatBody(false)).messages[1].content as string;
  const content = sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes);
  return JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: 16 });
}

function tally(values: number[]) {
  const sorted = sortedCopy(values);
  return { p50Ms: percentile(sorted, 50), maxMs: values.length ? Math.max(...values) : NaN };
}

export async function attackSoak(ctx: BenchContext, attackS: number, only: AttackName | null = null): Promise<AttackSoakResult> {
  const hostile = await startHostileProvider();
  const main = join(ctx.repoRoot, 'dist/gateway/cli/main.js');
  if (!existsSync(main)) throw new Error('dist/gateway/cli/main.js is not built yet');
  const port = await freePort();
  const dir = join(ctx.tmpDir, `termsgate-attack-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const normalKey = 'tg-bench-' + randomBytes(18).toString('base64url');
  const attackKey = 'tg-attack-' + randomBytes(18).toString('base64url');
  const adminToken = 'tga-bench-' + randomBytes(18).toString('base64url');
  const providerKeyEnv = 'BENCH_PROVIDER_KEY';
  const configFile = join(dir, 'termsgate.yaml');
  writeFileSync(
    configFile,
    termsgateConfigYaml({
      mockUrl: ctx.mockUrl,
      port,
      dataDir: join(dir, 'data'),
      policyDir: join(ctx.repoRoot, 'policies'),
      virtualKey: normalKey,
      providerKeyEnv,
      extra: {
        providers: { hostile: { kind: 'openai', baseUrl: `${hostile.url}/v1`, apiKeyEnv: providerKeyEnv, licence: 'openai-services-agreement' } },
        models: { 'hostile-model': { provider: 'hostile', upstreamModel: 'gpt-4o-mini' } },
        keys: [{ id: 'attacker', hash: hash(attackKey), team: 'demo', project: 'attack', defaultPurpose: 'general', allowedPurposes: ['general'] }],
        tokens: [{ id: 'bench-admin', hash: hash(adminToken), role: 'admin' }],
        limits: ATTACK_LIMITS,
      },
    }),
  );
  const child = startChild({
    name: 'termsgate-attack',
    command: process.execPath,
    args: [...ctx.termsgateNodeArgs, main, 'start', '--config', configFile, '--port', String(port), '--data-dir', join(dir, 'data')],
    logDir: ctx.logDir,
    env: { [providerKeyEnv]: ctx.providerKey, NODE_ENV: 'production' },
    cwd: ctx.repoRoot,
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const why = await waitReady(child, `${origin}/readyz`, 30_000, (s) => s === 200);
    if (why) throw new Error(`termsgate: ${why}`);
    const first = await request(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${normalKey}` },
      body: chatBody(false),
    });
    const firstText = await first.body.text();
    if (first.statusCode !== 200) throw new Error(`termsgate probe: HTTP ${first.statusCode} ${firstText.slice(0, 300)}`);
    return await drive(origin, child.pid, { normalKey, attackKey, adminToken }, hostile, attackS, only === null ? [...ATTACK_NAMES] : [only]);
  } finally {
    await child.stop();
    await hostile.close();
  }
}

async function drive(
  origin: string,
  pid: number,
  secrets: { normalKey: string; attackKey: string; adminToken: string },
  hostile: Awaited<ReturnType<typeof startHostileProvider>>,
  attackS: number,
  attacksRun: AttackName[],
): Promise<AttackSoakResult> {
  const t0 = performance.now();
  const nowS = () => (performance.now() - t0) / 1000;
  const calls: Timed[] = [];
  const probes: Timed[] = [];
  const samples: AttackSoakResult['samples'] = [];
  let running = true;

  // Normal calls: open loop at NORMAL_RATE for the whole run, each bounded by its own timeouts.
  const pool = new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const normalHeaders = { 'content-type': 'application/json', authorization: `Bearer ${secrets.normalKey}` };
  const normalBody = chatBody(false);
  const pending = new Set<Promise<void>>();
  let sent = 0;
  const normalTimer = setInterval(() => {
    const due = Math.floor(nowS() * NORMAL_RATE);
    while (running && sent < due) {
      sent++;
      const event: Timed = { atS: nowS(), ms: null };
      calls.push(event);
      const c0 = performance.now();
      const p = pool
        .request({ method: 'POST', path: '/v1/chat/completions', headers: normalHeaders, body: normalBody, headersTimeout: 30_000, bodyTimeout: 30_000 })
        .then(async (res) => {
          await res.body.dump({ limit: 1 << 20 }).catch(() => undefined);
          if (res.statusCode === 200) event.ms = performance.now() - c0;
        })
        .catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }, 5);

  // /healthz every 100 ms, one at a time.
  const prober = (async () => {
    while (running) {
      const event: Timed = { atS: nowS(), ms: null };
      const p0 = performance.now();
      try {
        const res = await request(`${origin}/healthz`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
        await res.body.text();
        if (res.statusCode === 200) event.ms = performance.now() - p0;
      } catch {
        // counted as failed
      }
      probes.push(event);
      await sleep(PROBE_EVERY_MS);
    }
  })();

  // Every 5 s: the process tree, the heap gauge and loop delay since the previous scrape, and the last 5 s of probes and calls.
  let lastScrapeS: number | null = null;
  const sampler = setInterval(() => {
    void (async () => {
      const atS = nowS();
      const loopSinceS = lastScrapeS;
      const { heapUsedBytes, loopDelay } = await scrapeGauges(origin);
      lastScrapeS = atS;
      const recent = (xs: Timed[]) => xs.filter((x) => x.atS >= atS - 5 && x.atS < atS);
      const p = sortedCopy(recent(probes).filter((x) => x.ms !== null).map((x) => x.ms!));
      // Calls sent in the last 5 s that have not answered yet are not counted as failures here.
      const settledCalls = calls.filter((x) => x.atS >= atS - 10 && x.atS < atS - 5);
      const c = sortedCopy(settledCalls.filter((x) => x.ms !== null).map((x) => x.ms!));
      const sample = {
        atS,
        rssBytes: treeRssBytes(pid),
        openFds: openFdCount(pid),
        heapUsedBytes,
        loopDelayP99Ms: loopDelay?.p99Ms ?? null,
        loopDelayMaxMs: loopDelay?.maxMs ?? null,
        loopSinceS,
        healthzP99Ms: percentile(p, 99),
        callP99Ms: percentile(c, 99),
        callFailures: settledCalls.length - c.length,
      };
      samples.push(sample);
      const heap = heapUsedBytes === null ? '' : `, heap ${mb(heapUsedBytes)} MB`;
      const loop = loopDelay === null ? '' : `, loop delay p99 ${loopDelay.p99Ms.toFixed(1)} / max ${loopDelay.maxMs.toFixed(1)} ms`;
      process.stderr.write(
        `bench: attack-soak ${atS.toFixed(0)} s [${phase}]: RSS ${mb(sample.rssBytes)} MB, ${sample.openFds} fds${heap}${loop}, /healthz p99 ${sample.healthzP99Ms.toFixed(1)} ms, ` +
          `calls (sent 5–10 s ago) p99 ${sample.callP99Ms.toFixed(1)} ms, ${sample.callFailures} failed; slow readers open ${slow.open}, provider streams open ${hostile.stats.open}\n`,
      );
    })();
  }, SAMPLE_EVERY_MS);

  let phase = 'warm-up';
  const tallies = { hostile: new Map<string, { ms: number[]; statuses: Record<string, number> }>(), large: { ms: [] as number[], bytes: 0, statuses: {} as Record<string, number> }, previews: { ms: [] as number[], ok: 0, failed: 0, lastError: null as string | null } };
  const slow = { open: 0, peakOpen: 0, opened: 0, closedByGateway: 0, closedByBench: 0 };
  const status = (statuses: Record<string, number>, s: string) => (statuses[s] = (statuses[s] ?? 0) + 1);

  await sleep(WARMUP_S * 1000);
  phase = 'before';
  const beforeFrom = nowS();
  const aroundS = attacksRun.length === 1 ? ONLY_BEFORE_AFTER_S : BEFORE_S;
  await sleep(aroundS * 1000);
  phase = 'during';
  const duringFrom = nowS();
  const attackUntil = performance.now() + attackS * 1000;
  const attacking = () => performance.now() < attackUntil;
  const runs = (name: AttackName) => attacksRun.includes(name);

  // Slow readers: raw sockets that send a streaming request (a flood from the hostile provider) and never read.
  const slowBody = JSON.stringify({ model: 'hostile-model', stream: true, messages: [{ role: 'user', content: 'attack:flood-stream' }] });
  const slowRequest = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${secrets.attackKey}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(slowBody)}\r\n\r\n${slowBody}`;
  const slowOne = () =>
    new Promise<void>((resolve) => {
      slow.opened++;
      slow.open++;
      slow.peakOpen = Math.max(slow.peakOpen, slow.open);
      const s: Socket = connect({ host: '127.0.0.1', port: Number(new URL(origin).port) }, () => {
        s.write(slowRequest);
        s.pause();
      });
      s.on('error', () => undefined);
      let counted = false;
      // At the bound: read what is buffered; a socket the gateway has closed ends at once, any other is destroyed.
      const hold = setTimeout(() => {
        const gone = setTimeout(() => {
          if (!counted) slow.closedByBench++;
          counted = true;
          s.destroy();
        }, 3_000);
        s.once('close', () => clearTimeout(gone));
        s.on('data', () => undefined);
        s.resume();
      }, SLOW_READER_HOLD_MS);
      s.once('close', () => {
        clearTimeout(hold);
        if (!counted) slow.closedByGateway++;
        counted = true;
        slow.open--;
        resolve();
      });
    });
  const slowLoop = (async () => {
    const live = new Set<Promise<void>>();
    while (runs('slow-readers') && attacking()) {
      if (live.size < SLOW_READERS_MAX) {
        const p = slowOne();
        live.add(p);
        void p.finally(() => live.delete(p));
      }
      await sleep(200);
    }
    await Promise.all([...live]);
  })();

  // Hostile calls: one loop per kind, one call at a time each.
  const hostileLoops = HOSTILE_KINDS.map(async (kind) => {
    const entry = { ms: [] as number[], statuses: {} as Record<string, number> };
    tallies.hostile.set(kind, entry);
    const stream = kind !== 'endless-json';
    const body = JSON.stringify({ model: 'hostile-model', stream, messages: [{ role: 'user', content: `attack:${kind}` }] });
    while (runs(kind) && attacking()) {
      const h0 = performance.now();
      try {
        const res = await request(`${origin}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.attackKey}` },
          body,
          headersTimeout: 40_000,
          bodyTimeout: 40_000,
          signal: AbortSignal.timeout(45_000),
        });
        for await (const _ of res.body) void _;
        status(entry.statuses, String(res.statusCode));
      } catch (err) {
        status(entry.statuses, (err as Error).name);
      }
      entry.ms.push(performance.now() - h0);
      await sleep(100);
    }
  });

  // Large request bodies (1–4 MB of prose) to the mock provider's model.
  const bodies = LARGE_BODY_SIZES.map(largeBody);
  let nextBody = 0;
  const largeLoops = Array.from({ length: LARGE_BODY_LOOPS }, async () => {
    while (runs('large-bodies') && attacking()) {
      const body = bodies[nextBody++ % bodies.length];
      const l0 = performance.now();
      try {
        const res = await request(`${origin}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.attackKey}` },
          body,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
          signal: AbortSignal.timeout(65_000),
        });
        await res.body.dump({ limit: 1 << 20 }).catch(() => undefined);
        status(tallies.large.statuses, String(res.statusCode));
      } catch (err) {
        status(tallies.large.statuses, (err as Error).name);
      }
      tallies.large.bytes += body.length;
      tallies.large.ms.push(performance.now() - l0);
      await sleep(250);
    }
  });

  // Impact previews, one at a time: stage (the active rules unchanged), validate, dry-run.
  const admin = async (path: string, body: unknown) => {
    const res = await request(`${origin}/admin/v1/policies/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.adminToken}` },
      body: JSON.stringify(body),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      signal: AbortSignal.timeout(65_000),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const previewLoop = (async () => {
    while (runs('previews') && attacking()) {
      const v0 = performance.now();
      try {
        const staged = await admin('stage', { files: {}, base: 'active' });
        await admin('validate', { candidate: staged.candidate });
        await admin('dry-run', { candidate: staged.candidate });
        tallies.previews.ok++;
        tallies.previews.ms.push(performance.now() - v0);
      } catch (err) {
        tallies.previews.failed++;
        tallies.previews.lastError = (err as Error).message;
      }
      await sleep(1_000);
    }
  })();

  await sleep(attackS * 1000);
  const duringTo = nowS();
  phase = 'draining';
  process.stderr.write(`bench: attack-soak ${duringTo.toFixed(0)} s: attacks stop; waiting for the last ones to end\n`);
  await Promise.all([slowLoop, ...hostileLoops, ...largeLoops, previewLoop]);
  phase = 'after';
  const afterFrom = nowS();
  await sleep((attacksRun.length === 1 ? ONLY_BEFORE_AFTER_S : AFTER_S) * 1000);
  const afterTo = nowS();
  running = false;
  clearInterval(normalTimer);
  clearInterval(sampler);
  await prober;
  await Promise.all([...pending]);
  await pool.close();

  const bounds: Bounds = { before: { fromS: beforeFrom, toS: duringFrom }, during: { fromS: duringFrom, toS: duringTo }, after: { fromS: afterFrom, toS: afterTo } };
  const hostileTally: AttackTally['hostile'] = {};
  for (const [kind, e] of tallies.hostile) hostileTally[kind] = { calls: e.ms.length, statuses: e.statuses, ...tally(e.ms) };
  return {
    attackS,
    normalRate: NORMAL_RATE,
    limits: ATTACK_LIMITS,
    bounds,
    windows: windowFigures(bounds, samples, calls, probes),
    attacks: {
      slowReaders: { opened: slow.opened, closedByGateway: slow.closedByGateway, closedByBench: slow.closedByBench, peakOpen: slow.peakOpen },
      hostile: hostileTally,
      largeBodies: { calls: tallies.large.ms.length, bytes: tallies.large.bytes, statuses: tallies.large.statuses, ...tally(tallies.large.ms) },
      previews: { runs: tallies.previews.ok + tallies.previews.failed, ok: tallies.previews.ok, failed: tallies.previews.failed, ...tally(tallies.previews.ms), lastError: tallies.previews.lastError },
      provider: hostile.stats,
    },
    samples,
    loopDelayNote: LOOP_DELAY_NOTE,
    attacksRun,
  };
}

const statusList = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || '–';
const sec = (ms: number) => (Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(1));

export function attackSoakMarkdown(r: AttackSoakResult): string {
  const a = r.attacks;
  return [
    `Soak under ${r.attacksRun.length === 1 ? `one attack alone (${r.attacksRun[0]})` : 'mixed attack'}: termsgate, ${r.attackS} s of attacks between ${(r.bounds.before.toS - r.bounds.before.fromS).toFixed(0)} s before and ${(r.bounds.after.toS - r.bounds.after.fromS).toFixed(0)} s after, normal calls at ${r.normalRate}/s (open loop) throughout; limits.clientWriteMs ${r.limits.clientWriteMs} ms, limits.upstreamTotalMs ${r.limits.upstreamTotalMs} ms, the rest at their defaults. 2 shared cores run the gateway, the mock provider, the hostile provider and every client.`,
    '',
    windowsMarkdown(r.windows),
    '',
    r.loopDelayNote,
    '',
    'The attacks (during):',
    `- slow readers (at most ${SLOW_READERS_MAX} at once, each read after ${SLOW_READER_HOLD_MS / 1000} s): ${a.slowReaders.opened} opened, ${a.slowReaders.closedByGateway} already closed by the gateway, ${a.slowReaders.closedByBench} closed by the bench; peak ${a.slowReaders.peakOpen} open`,
    ...Object.entries(a.hostile).map(([kind, h]) => `- hostile ${kind} (one at a time): ${h.calls} calls, ${statusList(h.statuses)}; p50 ${sec(h.p50Ms)} s, max ${sec(h.maxMs)} s`),
    `- large bodies (1–4 MB of prose, ${LARGE_BODY_LOOPS} at a time): ${a.largeBodies.calls} calls, ${mb(a.largeBodies.bytes)} MB sent, ${statusList(a.largeBodies.statuses)}; p50 ${sec(a.largeBodies.p50Ms)} s, max ${sec(a.largeBodies.maxMs)} s`,
    `- impact previews (stage + validate + dry-run, one at a time): ${a.previews.ok} done, ${a.previews.failed} failed; p50 ${sec(a.previews.p50Ms)} s, max ${sec(a.previews.maxMs)} s${a.previews.lastError ? ` (last error: ${a.previews.lastError})` : ''}`,
    `- the hostile provider: ${Object.entries(a.provider.started).map(([k, v]) => `${k} ×${v}`).join(', ')}; peak ${a.provider.peakOpen} answers open at once, ${mb(a.provider.written)} MB written; ${a.provider.ranOut} ran into its own ${ATTACK_MAX_MS / 1000} s bound; ${a.provider.open} still open at the end`,
  ].join('\n');
}
