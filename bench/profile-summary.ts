// Top functions by self time in a V8 CPU profile (from `run.js --cpu-prof`), for finding what the
// hot path spends its time on without a browser:
//   node dist/bench/profile-summary.js bench/tmp/profiles/CPU….cpuprofile [--top 30] [--no-idle]
// `run.js` uses selfTimes for the top-ten table of its report (--profile-top).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
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

export function selfTimes(profile: Profile, opts: SelfTimeOptions = {}): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const root = opts.root ?? process.cwd();
  const totals = new Map<string, number>();
  let all = 0;
  let at = profile.startTime ?? 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (opts.fromUs !== undefined && at < opts.fromUs) continue;
    if (opts.toUs !== undefined && at > opts.toUs) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (opts.dropIdle && functionName === IDLE && !url) continue;
    const where = url ? `${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  }
  return [...totals.entries()].map(([name, us]) => ({ name, ms: us / 1000, pct: all > 0 ? (100 * us) / all : 0 })).sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
}

function cli(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '30' }, 'no-idle': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: profile-summary FILE.cpuprofile [--top N] [--no-idle]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
  const rows = selfTimes(profile, { dropIdle: values['no-idle'] }).slice(0, Number(values.top));
  for (const r of rows) process.stdout.write(`${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) cli();
