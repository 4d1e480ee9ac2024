// The comparison run: each system in turn against the shared mock provider, under the same load.
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { measureFirstToken } from './first-token.js';
import { runLoad, type LoadOptions, type LoadResult, type Target } from './load.js';
import type { BenchOptions } from './options.js';
import { cpuSample, cpuSecondsBetween, RssSampler } from './proc-stats.js';
import { partTimes, selfTimes, type Profile } from './profile-summary.js';
import { BARE, cpuPerCall, DIRECT, peakRps, TERMSGATE, type HalfPeak, type Mode, type ProfileTop, type SystemResult } from './report.js';
import { chatBody } from './request-body.js';
import { runSteady } from './steady-load.js';
import { allSystems, probe, type BenchContext, type SystemSpec } from './systems.js';

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

// Systems whose overhead at half their peak is measured: termsgate (an aim of issue 8) and the bare forwarder as the floor.
const HALF_PEAK_SYSTEMS = new Set([TERMSGATE, BARE]);

function describe(run: LoadResult): string {
  const failed = run.errors + run.non2xx;
  const cpu = cpuPerCall(run);
  return `${run.rps.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms${cpu !== null ? `, ${(cpu * 1e6).toFixed(0)} µs CPU/call` : ''}${failed ? `, ${failed} failed` : ''}`;
}

/** One measured load window, with the CPU time of the system's process tree sampled at its start and end. */
async function measuredLoad(pid: number, target: Target, load: LoadOptions): Promise<LoadResult> {
  const before = cpuSample(pid);
  const run = await runLoad(target, load);
  const after = cpuSample(pid);
  return { ...run, cpuSeconds: cpuSecondsBetween(before, after) };
}

async function loadModes(name: string, target: Target, pid: number, opts: BenchOptions): Promise<SystemResult['loads']> {
  const loads: SystemResult['loads'] = [];
  for (const mode of ['non-streaming', 'streaming'] as Mode[]) {
    const stream = mode === 'streaming';
    const problem = await probe(target, stream);
    if (problem) {
      say(`${name} ${mode} unavailable: ${problem}`);
      loads.push({ mode, runs: [], unavailable: problem });
      continue;
    }
    // Streams under load arrive unpaced: paced by the mock's timers on a busy 2-core machine, the
    // timers' jitter, not the systems, would set the figures. Pacing is kept for first-token timing.
    const body = chatBody(stream);
    let asked = 0;
    const nextBody = opts.uniquePrompts ? () => chatBody(stream, 0, asked++) : undefined;
    const runs: LoadResult[] = [];
    for (const [i, connections] of opts.concurrencies.entries()) {
      await runLoad(target, { connections, durationS: i === 0 ? opts.firstWarmupS : opts.warmupS, body, nextBody });
      const run = await measuredLoad(pid, target, { connections, durationS: opts.durationS, body, nextBody });
      say(`${name} ${mode} c=${connections}: ${describe(run)}`);
      runs.push(run);
    }
    loads.push({ mode, runs });
  }
  return loads;
}

async function halfPeak(name: string, target: Target, direct: Target, peak: number, opts: BenchOptions): Promise<HalfPeak> {
  const rate = Math.max(1, Math.round(peak / 2));
  const body = chatBody(false);
  const system = await runSteady(target, { rate, durationS: opts.durationS, body });
  const base = await runSteady(direct, { rate, durationS: opts.durationS, body });
  say(`${name} at ${rate} req/s: p50 ${system.p50Ms.toFixed(3)} ms vs direct ${base.p50Ms.toFixed(3)} ms`);
  return { rate, rps: system.rps, p50Ms: system.p50Ms, directP50Ms: base.p50Ms, addedP50Ms: system.p50Ms - base.p50Ms };
}

async function measureSystem(spec: SystemSpec, ctx: BenchContext, directTarget: Target, opts: BenchOptions): Promise<SystemResult> {
  const result: SystemResult = { name: spec.name, howStarted: spec.howStarted, available: false, loads: [] };
  const started = performance.now();
  let system;
  try {
    system = await spec.start(ctx);
  } catch (err) {
    result.reason = (err as Error).message;
    say(`${spec.name} unavailable: ${result.reason}`);
    return result;
  }
  result.startMs = performance.now() - started;
  const sampler = new RssSampler(system.pid);
  try {
    say(`${spec.name} ready in ${result.startMs.toFixed(0)} ms`);
    result.loads = await loadModes(spec.name, system.target, system.pid, opts);
    result.available = result.loads.some((l) => !l.unavailable);
    if (!result.available) {
      result.reason = result.loads.map((l) => l.unavailable).join('; ');
      return result;
    }
    if (!result.loads.find((l) => l.mode === 'streaming')?.unavailable) {
      result.firstToken = await measureFirstToken(system.target, chatBody(true, opts.chunkDelayMs), opts.firstTokenRequests);
      say(`${spec.name} first token: median ${result.firstToken.medianMs.toFixed(2)} ms, ${result.firstToken.medianDeltas} deltas`);
    }
    if (HALF_PEAK_SYSTEMS.has(spec.name) && peakRps(result) > 0) {
      result.halfPeak = await halfPeak(spec.name, system.target, directTarget, peakRps(result), opts);
    }
  } catch (err) {
    result.available = false;
    result.reason = `failed under load: ${(err as Error).message}`;
    say(`${spec.name} ${result.reason}`);
  } finally {
    result.peakRssBytes = sampler.stop();
    await system.stop();
  }
  return result;
}

export const PROFILE_CONNECTIONS = 50;
/** Long enough for termsgate's drain deadline and the closing of its stores. */
const PROFILE_EXIT_MS = 40_000;
/** Rows of the by-part table: the stages, the floors below them and the packages that cost most. */
const PARTS_SHOWN = 16;

/**
 * termsgate once more under node --cpu-prof for one non-streaming load window; the top functions by
 * self time of the samples inside that window (the profile's clock is CLOCK_MONOTONIC, as is
 * process.hrtime here; when no sample falls inside, the whole profile is counted and the table says so).
 */
export async function profileTermsgate(ctx: BenchContext, opts: BenchOptions, top: number): Promise<ProfileTop> {
  const spec = allSystems.find((s) => s.name === TERMSGATE)!;
  const dir = join(ctx.tmpDir, 'profiles', `top-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const system = await spec.start({ ...ctx, termsgateNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const body = chatBody(false);
  let asked = 0;
  const nextBody = opts.uniquePrompts ? () => chatBody(false, 0, asked++) : undefined;
  let run: LoadResult;
  let fromUs: number;
  let toUs: number;
  try {
    const problem = await probe(system.target, false);
    if (problem) throw new Error(problem);
    await runLoad(system.target, { connections: PROFILE_CONNECTIONS, durationS: opts.firstWarmupS, body, nextBody });
    fromUs = Number(process.hrtime.bigint() / 1000n);
    run = await runLoad(system.target, { connections: PROFILE_CONNECTIONS, durationS: opts.durationS, body, nextBody });
    toUs = Number(process.hrtime.bigint() / 1000n);
  } finally {
    // The profiles are written when termsgate exits on SIGTERM, after its drain and the closing of its stores.
    await system.stop(PROFILE_EXIT_MS);
  }
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): thread 0 is the event loop.
  const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile') && n.split('.')[4] === '0');
  if (!file) throw new Error(`no profile of the main thread written into ${dir} (termsgate did not exit within ${PROFILE_EXIT_MS} ms?)`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  let rows = selfTimes(profile, { fromUs, toUs, dropIdle: true, root: ctx.repoRoot });
  const windowOnly = rows.length > 0;
  if (!windowOnly) rows = selfTimes(profile, { dropIdle: true, root: ctx.repoRoot });
  const counted = windowOnly ? { fromUs, toUs, dropIdle: true } : { dropIdle: true };
  return {
    mode: 'non-streaming',
    connections: PROFILE_CONNECTIONS,
    durationS: opts.durationS,
    rps: run.rps,
    file: join(dir, file),
    windowOnly,
    countedMs: rows.reduce((sum, r) => sum + r.ms, 0),
    top: rows.slice(0, top),
    parts: partTimes(profile, counted).slice(0, PARTS_SHOWN),
  };
}

export async function compare(ctx: BenchContext, opts: BenchOptions): Promise<SystemResult[]> {
  const wanted = allSystems.filter((s) => opts.systems === null || opts.systems.includes(s.name.toLowerCase()));
  const direct = allSystems.find((s) => s.name === DIRECT)!;
  const directTarget = (await direct.start(ctx)).target;
  const results: SystemResult[] = [];
  for (const spec of wanted) results.push(await measureSystem(spec, ctx, directTarget, opts));
  return results;
}
