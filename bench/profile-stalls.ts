// The longest event-loop stalls in a V8 CPU profile of the main thread (from `run.js --cpu-prof`): each run
// of consecutive samples without `(idle)` is time the loop did not get back to waiting for I/O, so a
// /healthz arriving then waited for it. Per stall: its length, its dominant stack (from the root, the
// heaviest frame while it holds at least half the stall) and its top functions by self time.
//   node dist/bench/profile-stalls.js CPU….0.001.cpuprofile [--top 10] [--from-s A --to-s B]
// --from-s/--to-s count seconds from the profile's first sample (the gateway's start).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IDLE, type Profile, type ProfileNode } from './profile-summary.js';

export interface Stall {
  /** Seconds from the profile's start to the stall's first sample. */
  atS: number;
  ms: number;
  /** Function names from the root down, while the frame holds at least half of the stall's time. */
  stack: string[];
  /** The three functions with the most self time in the stall. */
  top: Array<{ name: string; ms: number }>;
}

type Node = ProfileNode & { children?: number[] };

const label = (n: Node) => {
  const file = n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  return `${n.callFrame.functionName || '(anonymous)'}${file ? ` ${file}:${n.callFrame.lineNumber + 1}` : ''}`;
};

function describe(samples: Array<{ id: number; us: number }>, byId: Map<number, Node>, parent: Map<number, number>, rootId: number): Pick<Stall, 'stack' | 'top'> {
  const inclusive = new Map<number, number>();
  const self = new Map<string, number>();
  let total = 0;
  for (const { id, us } of samples) {
    total += us;
    const leaf = byId.get(id)!;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + us);
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) inclusive.set(at, (inclusive.get(at) ?? 0) + us);
  }
  const stack: string[] = [];
  for (let at = rootId; ; ) {
    const heaviest = (byId.get(at)!.children ?? []).reduce<number | null>((best, c) => ((inclusive.get(c) ?? 0) > (best === null ? 0 : inclusive.get(best) ?? 0) ? c : best), null);
    if (heaviest === null || 2 * (inclusive.get(heaviest) ?? 0) < total) break;
    stack.push(label(byId.get(heaviest)!));
    at = heaviest;
  }
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, us]) => ({ name, ms: us / 1000 }));
  return { stack, top };
}

/** The `top` longest runs of non-idle samples, longest first; only samples within [fromS, toS] of the start count. */
export function longestStalls(profile: Profile, top: number, window: { fromS?: number; toS?: number } = {}): Stall[] {
  const byId = new Map((profile.nodes as Node[]).map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of byId.values()) for (const c of n.children ?? []) parent.set(c, n.id);
  const rootId = profile.nodes.find((n) => !parent.has(n.id))?.id ?? profile.nodes[0]?.id;
  const runs: Array<{ atUs: number; samples: Array<{ id: number; us: number }> }> = [];
  let current: (typeof runs)[number] | null = null;
  let atUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's delta is the time since the previous one: the time the thread spent in the previous state.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i];
    const inWindow = (window.fromS === undefined || atUs >= window.fromS * 1e6) && (window.toS === undefined || atUs <= window.toS * 1e6);
    const idle = byId.get(id)?.callFrame.functionName === IDLE;
    if (idle || !inWindow) current = null;
    else {
      if (current === null) runs.push((current = { atUs, samples: [] }));
      current.samples.push({ id, us });
    }
    atUs += us;
  }
  const length = (r: (typeof runs)[number]) => r.samples.reduce((a, s) => a + s.us, 0);
  return runs
    .map((r) => ({ r, us: length(r) }))
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map(({ r, us }) => ({ atS: r.atUs / 1e6, ms: us / 1000, ...describe(r.samples, byId, parent, rootId!) }));
}

function cli(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '10' }, 'from-s': { type: 'string' }, 'to-s': { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: profile-stalls FILE.cpuprofile [--top N] [--from-s A --to-s B]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  for (const s of longestStalls(profile, Number(values.top), { fromS: num(values['from-s']), toS: num(values['to-s']) })) {
    process.stdout.write(`${s.ms.toFixed(1).padStart(7)} ms at ${s.atS.toFixed(1)} s  ${s.stack.join(' > ') || '(no frame holds half)'}\n`);
    for (const f of s.top) process.stdout.write(`             ${f.ms.toFixed(1).padStart(6)} ms self  ${f.name}\n`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) cli();
