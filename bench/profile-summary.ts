// Top functions by self time in a V8 CPU profile (from `run.js --cpu-prof`), for finding what the
// hot path spends its time on without a browser, and the time under each part of the gateway (a folder
// of gateway/, or a package), inclusive:
//   node dist/bench/profile-summary.js bench/tmp/profiles/CPU….cpuprofile [--top 30] [--no-idle] [--parts]
// `run.js` uses selfTimes and partTimes for the tables of its report (--profile-top).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, the clock of process.hrtime). */
  startTime: number;
  endTime?: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of all counted samples' time, in percent. */
  pct: number;
}

export interface SelfTimeOptions {
  /** Count only samples taken in [fromUs, toUs] (profile clock). */
  fromUs?: number;
  toUs?: number;
  /** Leave out `(idle)`: time the thread waited, not CPU it spent. */
  dropIdle?: boolean;
  /** Paths are shown relative to this folder (default: the working directory). */
  root?: string;
}

export const IDLE = '(idle)';

/** Calls `each` with the node and time of every sample counted under the options. */
function countedSamples(profile: Profile, opts: SelfTimeOptions, each: (node: ProfileNode, us: number) => void): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let at = profile.startTime ?? 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (opts.fromUs !== undefined && at < opts.fromUs) continue;
    if (opts.toUs !== undefined && at > opts.toUs) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    if (opts.dropIdle && node.callFrame.functionName === IDLE && !node.callFrame.url) continue;
    each(node, us);
  }
}

function ranked(totals: Map<string, number>, all: number): SelfTime[] {
  return [...totals.entries()].map(([name, us]) => ({ name, ms: us / 1000, pct: all > 0 ? (100 * us) / all : 0 })).sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
}

export function selfTimes(profile: Profile, opts: SelfTimeOptions = {}): SelfTime[] {
  const root = opts.root ?? process.cwd();
  const totals = new Map<string, number>();
  let all = 0;
  countedSamples(profile, opts, (node, us) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  });
  return ranked(totals, all);
}

/**
 * The part of the gateway a frame runs in: `gateway/<folder>` (a stage or a floor below it, built or
 * source), `telemetry`, `bench`, a package by its name, or the garbage collector; null for Node's own
 * code and V8's other pseudo-frames, which run under every part.
 */
export function partOf(frame: ProfileNode['callFrame']): string | null {
  const url = frame.url;
  if (!url) return frame.functionName === '(garbage collector)' ? frame.functionName : null;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(gateway\/[^/]+|telemetry|bench)\//.exec(url);
  return own ? own[1] : null;
}

/**
 * Time under each part (partOf), inclusive: a sample counts once for every part on its stack, so a
 * stage's share includes what it calls (undici under upstream, a package under the stage that uses it)
 * and the shares overlap. Percent of all counted samples' time.
 */
export function partTimes(profile: Profile, opts: SelfTimeOptions = {}): SelfTime[] {
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const totals = new Map<string, number>();
  let all = 0;
  countedSamples(profile, opts, (leaf, us) => {
    const parts = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = parent.get(n.id)) {
      const part = partOf(n.callFrame);
      if (part !== null) parts.add(part);
    }
    for (const part of parts) totals.set(part, (totals.get(part) ?? 0) + us);
    all += us;
  });
  return ranked(totals, all);
}

function cli(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '30' }, 'no-idle': { type: 'boolean', default: false }, parts: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: profile-summary FILE.cpuprofile [--top N] [--no-idle] [--parts]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
  const rows = (values.parts ? partTimes : selfTimes)(profile, { dropIdle: values['no-idle'] }).slice(0, Number(values.top));
  for (const r of rows) process.stdout.write(`${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) cli();
