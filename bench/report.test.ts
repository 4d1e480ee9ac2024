// The pure parts of the benchmark report: percentiles, ratios to the baselines, the aims of issue 8,
// CPU per call from two /proc samples, the profile's top functions, the soak's figures (issue 20).
// Run: npx tap bench/report.test.ts
import fc from 'fast-check';
import t from 'tap';
import type { LoadResult } from './load.js';
import { parseOptions } from './options.js';
import { cpuPerCall as cpuPerCallOf, cpuSecondsBetween, statTicks, type CpuSample } from './proc-stats.js';
import { partOf, partTimes, selfTimes, type Profile } from './profile-summary.js';
import { aimsOf, classificationMarkdown, cpuPerCall, markdown, peakRps, profileMarkdown, rowsOf, type ProfileTop, type SystemResult } from './report.js';
import { heapUsedFromPrometheus, loopDelayFromPrometheus } from './heap-metric.js';
import { diskSeries, heapSeries, series, soakMarkdown, type SoakResult, type SoakSample } from './soak.js';
import { growthPct, percentile, sortedCopy } from './stats.js';

function run(connections: number, rps: number, p50Ms: number, cpuSeconds?: number): LoadResult {
  return { connections, durationS: 10, overallRate: null, requests: rps * 10, ok: rps * 10, rps, p50Ms, p90Ms: p50Ms, p99Ms: p50Ms * 2, meanMs: p50Ms, errors: 0, timeouts: 0, non2xx: 0, cpuSeconds };
}

function system(name: string, rps: number[], p50: number, extra: Partial<SystemResult> = {}, cpuSeconds: number[] = []): SystemResult {
  return {
    name,
    howStarted: '',
    available: true,
    loads: [{ mode: 'non-streaming', runs: rps.map((r, i) => run([10, 50][i], r, p50, cpuSeconds[i])) }],
    ...extra,
  };
}

t.test('percentile by nearest rank', async (t) => {
  const sorted = sortedCopy([5, 1, 4, 2, 3]);
  t.equal(percentile(sorted, 50), 3);
  t.equal(percentile(sorted, 99), 5);
  t.equal(percentile(sorted, 1), 1);
  t.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
  t.equal(growthPct(100, 110), 10);
});

t.test('rows compare each run with direct and the bare forwarder at the same concurrency', async (t) => {
  const results = [system('mock direct', [1000, 2000], 21), system('bare forwarder', [800, 1600], 22), system('termsgate', [600, 1200], 22.5)];
  const rows = rowsOf(results).filter((r) => r.system === 'termsgate');
  t.equal(rows.length, 2);
  t.equal(rows[1].ratioToBare, 0.75);
  t.equal(rows[0].addedP50Ms, 1.5);
  t.equal(rowsOf(results).find((r) => r.system === 'mock direct')!.addedP50Ms, null);
  t.equal(peakRps(results[2]), 1200);
});

t.test('aims: met, missed, and not measurable', async (t) => {
  const tg = system('termsgate', [600, 1200], 22.5, { halfPeak: { rate: 600, rps: 600, p50Ms: 21.5, directP50Ms: 21, addedP50Ms: 0.5 } });
  const results = [system('bare forwarder', [800, 1600], 22), tg, system('Portkey', [100, 200], 40), system('LiteLLM', [50, 150], 80)];
  const aims = aimsOf(results);
  const met = (prefix: string) => aims.find((a) => a.aim.startsWith(prefix))!.met;
  t.equal(met('throughput ≥ 70%'), true, '1200/1600 = 0.75');
  t.equal(met('added p50'), true);
  t.equal(met('throughput ≥ 5'), true, '1200/200 = 6');
  t.equal(met('throughput ≥ 10'), false, '1200/150 = 8');
  t.same(aimsOf([system('bare forwarder', [1], 1)]), [{ aim: 'termsgate measured', value: 'unavailable', met: false }]);
  const unavailable: SystemResult = { name: 'LiteLLM', howStarted: '', available: false, reason: 'no python', loads: [] };
  t.match(markdown([...results.slice(0, 3), unavailable]), /LiteLLM: unavailable \(no python\)/);
});

t.test('soak series use quarter medians, so a sawtooth is not growth', async (t) => {
  const sawtooth = [100, 140, 100, 140, 100, 140, 100, 140];
  t.equal(series(sawtooth).growthPct, 0);
  t.equal(series([100, 100, 100, 100, 120, 120, 120, 120]).growthPct, 20);
  t.equal(series([100, 100, 100, 100, 120, 120, 120, 120]).max, 120);
});

t.test('/proc/PID/stat: utime + stime + cutime + cstime, whatever the command name holds', async (t) => {
  // Fields 14-17 are 11 12 13 14 here; the name holds spaces and a ')'.
  const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 11 12 13 14 20 0 11 0 123 456 789';
  t.equal(statTicks(line), 11 + 12 + 13 + 14);
  t.equal(statTicks('1 (a) R 0 1 1 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0'), 300);
});

const sample = (ticks: Record<number, number>, clkTck = 100): CpuSample => ({ ticks, clkTck });

t.test('CPU per call from two /proc samples of a process tree', async (t) => {
  // Root 10 spends 150 ticks, child 11 spends 50; a new child 12 appears with 20: 220 ticks = 2.2 s over 1100 calls.
  const start = sample({ 10: 1000, 11: 300 });
  const end = sample({ 10: 1150, 11: 350, 12: 20 });
  t.equal(cpuSecondsBetween(start, end), 2.2);
  t.equal(cpuPerCallOf(start, end, 1100), 0.002);
  t.equal(cpuPerCallOf(start, end, 0), null, 'no call answered: no figure');
  t.equal(cpuSecondsBetween(sample({ 10: 500 }), sample({ 10: 100 })), 0, 'never negative');
});

const tree = fc.dictionary(fc.integer({ min: 2, max: 60 }).map(String), fc.nat({ max: 1_000_000 }), { minKeys: 1, maxKeys: 12 });

t.test('property: the window counts each process increment once, also when a child is reaped', async (t) => {
  fc.assert(
    fc.property(tree, fc.array(fc.nat({ max: 100_000 }), { minLength: 12, maxLength: 12 }), fc.constantFrom(100, 250, 1000), (before, spent, clkTck) => {
      const pids = Object.keys(before).map(Number);
      const start = sample(before, clkTck);
      const after: Record<number, number> = {};
      pids.forEach((pid, i) => (after[pid] = before[pid] + spent[i]));
      const expected = pids.reduce((sum, _pid, i) => sum + spent[i], 0) / clkTck;
      if (Math.abs(cpuSecondsBetween(start, sample(after, clkTck)) - expected) > 1e-9) return false;
      if (pids.length < 2) return true;
      // The last child exits and is reaped by the first process: its whole time moves into the parent's cutime/cstime.
      const reaped = { ...after };
      const [parent, child] = [pids[0], pids[pids.length - 1]];
      reaped[parent] += reaped[child];
      delete reaped[child];
      return Math.abs(cpuSecondsBetween(start, sample(reaped, clkTck)) - expected) < 1e-9;
    }),
  );
  t.pass('held for 100 generated cases');
});

t.test('rows carry CPU per call and its ratio to the bare forwarder', async (t) => {
  // bare: 1.6 s over 16000 calls = 100 µs; termsgate: 3 s over 12000 calls = 250 µs.
  const results = [system('mock direct', [2000], 21, {}, [0.4]), system('bare forwarder', [1600], 22, {}, [1.6]), system('termsgate', [1200], 22.5, {}, [3]), system('Portkey', [200], 40)];
  const rows = rowsOf(results);
  const tg = rows.find((r) => r.system === 'termsgate')!;
  t.equal(tg.cpuPerCallS, 3 / 12000);
  t.equal(tg.cpuRatioToBare, 2.5);
  t.equal(rows.find((r) => r.system === 'bare forwarder')!.cpuRatioToBare, 1);
  t.equal(rows.find((r) => r.system === 'Portkey')!.cpuPerCallS, null, 'not sampled');
  t.equal(cpuPerCall({ ...run(10, 0, 1, 1), ok: 0 }), null, 'nothing answered');
  const table = markdown(results);
  t.match(table, /\| CPU µs\/call \| × bare CPU\/call \|/);
  t.match(table, /\| termsgate \| non-streaming \| 10 \| 1200 \| 22\.50 \| 45\.00 \| \+1\.50 \| 0\.75 \| 250 \| 2\.50 \|/);
  t.match(table, /\| Portkey \| non-streaming \| 10 \| 200 \| 40\.00 \| 80\.00 \| \+19\.00 \| 0\.13 \| – \| – \|/);
});

function profileOf(samples: [string, number][], startTime = 1_000_000): Profile {
  const names = [...new Set(samples.map(([n]) => n))];
  return {
    nodes: names.map((name, i) => ({ id: i + 1, callFrame: { functionName: name, url: name.startsWith('(') ? '' : `file:///repo/gateway/${name}.js`, lineNumber: 9 } })),
    startTime,
    samples: samples.map(([n]) => names.indexOf(n) + 1),
    timeDeltas: samples.map(([, us]) => us),
  };
}

t.test('profile top: self time within the load window, idle left out', async (t) => {
  // Samples at 1.001, 1.003, 1.006, 1.010 and 1.015 s on the profile clock.
  const p = profileOf([['boot', 1000], ['hash', 2000], ['(idle)', 3000], ['hash', 4000], ['parse', 5000]]);
  const all = selfTimes(p, { root: '/repo' });
  t.same(all.map((r) => r.name), ['hash gateway/hash.js:10', 'parse gateway/parse.js:10', '(idle)', 'boot gateway/boot.js:10']);
  const window = selfTimes(p, { fromUs: 1_002_000, toUs: 1_012_000, dropIdle: true, root: '/repo' });
  t.same(window, [{ name: 'hash gateway/hash.js:10', ms: 6, pct: 100 }]);
  t.same(selfTimes(p, { fromUs: 2_000_000, root: '/repo' }), [], 'no sample in the window');
  const top: ProfileTop = { mode: 'non-streaming', connections: 50, durationS: 10, rps: 900, file: 'x', windowOnly: true, countedMs: 6, top: [{ name: 'a|b x.js:1', ms: 6, pct: 100 }], parts: [{ name: 'gateway/classify', ms: 3, pct: 50 }] };
  const md = profileMarkdown(top);
  t.match(md, /Top 1 functions of termsgate/);
  t.match(md, /\| 1 \| `a\\\|b x\.js:1` \| 100\.0 \| 6 \|/, 'a | in a name does not break the table');
  t.match(md, /by part, inclusive[^]*\| `gateway\/classify` \| 50\.0 \| 3 \|/, 'the by-part table follows');
  t.notMatch(profileMarkdown({ ...top, parts: [] }), /by part/, 'and is left out when there is none');
  t.match(markdown([system('termsgate', [1], 1)], { profile: top }), /Top 1 functions/);
  const long = profileMarkdown({ ...top, parts: [], top: [{ name: `RegExp: ${'(?<d0>x)|'.repeat(40)}`, ms: 1, pct: 1 }] });
  const cell = long.split('\n').at(-1)!.split(' | ')[1];
  t.ok(cell.length <= 140 && cell.includes('…'), 'a long name (a RegExp source) is cut in the table');
  t.match(markdown([system('termsgate', [1], 1)], { profileProblem: 'not measured (boom)' }), /termsgate CPU profile: not measured \(boom\)/);
});

t.test('profile by part: a sample counts once for every part on its stack, within the window, idle left out', async (t) => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
  // root → handle (request-path) → classify (classify) → exec (node:) → scanAgain (classify, recursion) ; handle → request (undici)
  const p: Profile = {
    nodes: [
      frame(1, '(root)', '', [2, 7, 8]),
      frame(2, 'handle', 'file:///repo/dist/gateway/request-path/request-path.js', [3, 6]),
      frame(3, 'classify', 'file:///repo/dist/gateway/classify/classifier.js', [4]),
      frame(4, 'exec', 'node:internal/regexp', [5]),
      frame(5, 'scanAgain', 'file:///repo/dist/gateway/classify/scan.js'),
      frame(6, 'request', 'file:///repo/node_modules/undici/lib/api.js'),
      frame(7, '(garbage collector)', ''),
      frame(8, '(idle)', ''),
    ],
    startTime: 0,
    // at 1, 3, 6, 10, 15, 21 ms: scanAgain 2, request 3, gc 4, idle 5, scanAgain 6 (outside a window ending at 12)
    samples: [5, 6, 7, 8, 5, 5],
    timeDeltas: [1000, 2000, 3000, 4000, 5000, 6000],
  };
  const byName = (rows: { name: string; ms: number; pct: number }[]) => Object.fromEntries(rows.map((r) => [r.name, r.ms]));
  t.same(byName(partTimes(p, { dropIdle: true })), { 'gateway/request-path': 1 + 2 + 5 + 6, 'gateway/classify': 1 + 5 + 6, undici: 2, '(garbage collector)': 3 }, 'recursion through a part counts it once; Node and idle are no part');
  const window = partTimes(p, { fromUs: 0, toUs: 12_000, dropIdle: true });
  t.same(byName(window), { 'gateway/request-path': 3, 'gateway/classify': 1, undici: 2, '(garbage collector)': 3 });
  t.equal(window.find((r) => r.name === 'gateway/request-path')!.pct, 50, 'percent of the counted time (6 ms)');
  t.equal(partOf({ functionName: 'f', url: 'file:///r/node_modules/@opentelemetry/sdk-metrics/build/x.js', lineNumber: 0 }), '@opentelemetry/sdk-metrics', 'a scoped package by its whole name');
  t.equal(partOf({ functionName: 'f', url: 'file:///r/telemetry/call.ts', lineNumber: 0 }), 'telemetry');
  t.equal(partOf({ functionName: '(program)', url: '', lineNumber: 0 }), null);
});

t.test('property: self-time shares sum to 100% and come sorted; the top ten are the ten largest', async (t) => {
  const names = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', '(idle)', '(garbage collector)');
  fc.assert(
    fc.property(fc.array(fc.tuple(names, fc.integer({ min: 1, max: 10_000 })), { minLength: 1, maxLength: 200 }), fc.boolean(), (samples, dropIdle) => {
      const rows = selfTimes(profileOf(samples), { dropIdle, root: '/repo' });
      if (dropIdle && rows.some((r) => r.name === '(idle)')) return false;
      const counted = samples.filter(([n]) => !(dropIdle && n === '(idle)'));
      if (counted.length === 0) return rows.length === 0;
      const total = rows.reduce((s, r) => s + r.pct, 0);
      if (Math.abs(total - 100) > 1e-6) return false;
      if (Math.abs(rows.reduce((s, r) => s + r.ms, 0) - counted.reduce((s, [, us]) => s + us, 0) / 1000) > 1e-6) return false;
      const top = rows.slice(0, 10);
      return top.every((r, i) => i === 0 || top[i - 1].ms >= r.ms) && rows.slice(10).every((r) => r.ms <= top[top.length - 1].ms);
    }),
  );
  t.pass('held for 100 generated cases');
});

t.test('--profile-top: 10 in a full run, off in --quick unless given', async (t) => {
  t.equal(parseOptions([], 'out').profileTop, 10);
  t.equal(parseOptions(['--quick'], 'out').profileTop, 0);
  t.equal(parseOptions(['--quick', '--profile-top', '5'], 'out').profileTop, 5);
  t.equal(parseOptions(['--profile-top', '0'], 'out').profileTop, 0);
  t.throws(() => parseOptions(['--profile-top', '-1'], 'out'));
});

t.test('classification section from bench/results/classify-cost.json', async (t) => {
  t.equal(classificationMarkdown(null), null);
  t.equal(classificationMarkdown({ something: 1 }), null);
  t.match(classificationMarkdown({ markdown: '| size | µs |\n|---|---:|\n| 1 KB | 3 |' })!, /^Classification cost by prompt size.*\n\n\| size \| µs \|/);
  const md = classificationMarkdown({ rows: [{ size: '1 KB', p50UsPerKb: 3.14159 }, { size: '1 MB', p50UsPerKb: 2, note: 'a|b' }] })!;
  t.match(md, /\| size \| p50UsPerKb \| note \|/);
  t.match(md, /\| 1 KB \| 3\.142 \| – \|/);
  t.match(md, /\| 1 MB \| 2 \| a\\\|b \|/);
  t.match(markdown([system('termsgate', [1], 1)], { classification: md }), /\| 1 MB \| 2 \|/);
});

function soakSample(atS: number, ok: number, auditBytes: number | null, provenanceBytes: number | null): SoakSample {
  return { atS, rssBytes: 100 << 20, anonRssBytes: 80 << 20, openFds: 30, ok, auditBytes, provenanceBytes, heapUsedBytes: null };
}

t.test('soak: disk folders from first to last sample, with the bytes each call added', async (t) => {
  const samples = [soakSample(0, 1000, 1_000_000, 0), soakSample(5, 2000, 1_500_000, 0), soakSample(10, 3000, 2_000_000, 0)];
  t.same(diskSeries(samples, 'auditBytes'), { start: 1_000_000, end: 2_000_000, changePct: 100, bytesPerCall: 500 });
  const prov = diskSeries(samples, 'provenanceBytes')!;
  t.ok(Number.isNaN(prov.changePct), 'empty at start: no percentage');
  t.equal(prov.bytesPerCall, 0);
  t.equal(diskSeries([soakSample(0, 0, null, null)], 'auditBytes'), null, 'a system without a data directory');
  t.equal(diskSeries([soakSample(0, 5, 10, 10)], 'auditBytes')!.bytesPerCall, null, 'one sample: no calls in between');
  const result: SoakResult = {
    system: 'termsgate',
    durationS: 10,
    connections: 20,
    requests: 3000,
    rps: 300,
    failed: 0,
    rss: series(samples.map((s) => s.rssBytes)),
    anonRss: series(samples.map((s) => s.anonRssBytes)),
    openFds: series(samples.map((s) => s.openFds)),
    audit: diskSeries(samples, 'auditBytes'),
    provenance: prov,
    heapUsed: null,
    heapNote: 'V8 heap used: not measured',
    samples,
  };
  const md = soakMarkdown(result);
  t.match(md, /\| audit\/ MB on disk \(first \/ last sample\) \| 1\.0 \| 1\.9 \| 1\.9 \| \+100\.0% \| 500 \|/);
  t.match(md, /\| RSS MB of the process tree .* \| 100\.0 \| 100\.0 \| 100\.0 \| \+0\.0% \| – \|/);
  t.match(md, /\| RSS MB less file-backed pages \(RssAnon[^|]*\| 80\.0 \| 80\.0 \| 80\.0 \| \+0\.0% \| – \|/, "the anonymous part beside it");
  t.match(md, /V8 heap used: not measured/);
  t.match(md, /met/);
  t.notMatch(md, /V8 heap used MB/, 'no heap row without a heap series');
  const withHeap = [10, 12, 11, 30].map((mbs, i) => ({ ...soakSample(i * 5, i, null, null), heapUsedBytes: mbs << 20 }));
  const heap = heapSeries(withHeap)!;
  t.same([heap.start, heap.end, heap.max], [10 << 20, 30 << 20, 30 << 20], 'quarter medians of the heap gauge');
  t.equal(heapSeries(samples), null, 'no heap samples: no series');
  t.match(soakMarkdown({ ...result, heapUsed: heap, heapNote: 'from /metrics' }), /\| V8 heap used MB \(from \/metrics; median of first \/ last quarter\) \| 10\.0 \| 30\.0 \| 30\.0 \| \+200\.0% \| – \|/);
});

t.test('the heap gauge is read from Prometheus text', async (t) => {
  const text = [
    '# HELP process_runtime_nodejs_memory_heap_used V8 heap used',
    '# TYPE process_runtime_nodejs_memory_heap_used gauge',
    'process_runtime_nodejs_memory_heap_used{otel_scope_name="termsgate"} 14340464',
  ].join('\n');
  t.equal(heapUsedFromPrometheus(text), 14340464);
  t.equal(heapUsedFromPrometheus('process_runtime_nodejs_memory_heap_used_bytes 2.5e+7'), 25_000_000, 'with a unit suffix and an exponent');
  t.equal(heapUsedFromPrometheus('termsgate_calls_total 3'), null, 'absent');
  t.same(loopDelayFromPrometheus('nodejs_eventloop_delay_p99_seconds 0.0125\nnodejs_eventloop_delay_max_seconds 2.5e-1'), { p99Ms: 12.5, maxMs: 250 });
  t.equal(loopDelayFromPrometheus('nodejs_eventloop_delay_p99_seconds 0.01'), null, 'max absent');
});

t.test('property: bytes per call times the calls between the samples is the growth', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({ max: 10_000 }), fc.nat({ max: 1_000_000 })), { minLength: 2, maxLength: 20 }), (steps) => {
      let ok = 0;
      let bytes = 0;
      const samples = steps.map(([calls, grown], i) => soakSample(i * 5, (ok += calls), (bytes += grown), null));
      const d = diskSeries(samples, 'auditBytes')!;
      const calls = samples[samples.length - 1].ok - samples[0].ok;
      return d.end - d.start === samples[samples.length - 1].auditBytes! - samples[0].auditBytes! && (calls === 0 ? d.bytesPerCall === null : Math.abs(d.bytesPerCall! * calls - (d.end - d.start)) < 1e-6);
    }),
  );
  t.pass('held for 100 generated cases');
});
