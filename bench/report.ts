// Pure: turns measured runs into the comparison rows, the aims of issue 8, and a markdown table.
import type { FirstTokenResult } from './first-token.js';
import type { LoadResult } from './load.js';
import type { SelfTime } from './profile-summary.js';

export type Mode = 'non-streaming' | 'streaming';

export interface ModeRuns {
  mode: Mode;
  runs: LoadResult[];
  /** Why this mode was not loaded (its probe request failed). */
  unavailable?: string;
}

export interface HalfPeak {
  /** Requests per second: half the system's peak non-streaming throughput. */
  rate: number;
  p50Ms: number;
  directP50Ms: number;
  addedP50Ms: number;
  rps: number;
}

export interface SystemResult {
  name: string;
  howStarted: string;
  available: boolean;
  reason?: string;
  startMs?: number;
  loads: ModeRuns[];
  firstToken?: FirstTokenResult;
  peakRssBytes?: number;
  halfPeak?: HalfPeak;
}

export interface Row {
  system: string;
  mode: Mode;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  addedP50Ms: number | null;
  ratioToBare: number | null;
  /** CPU seconds of the system's process tree in the load window per call answered 2xx; null when not sampled. */
  cpuPerCallS: number | null;
  /** cpuPerCallS over the bare forwarder's at the same mode and concurrency. */
  cpuRatioToBare: number | null;
  failed: number;
}

/** The top functions of termsgate's CPU profile over one load window (--profile-top). */
export interface ProfileTop {
  mode: Mode;
  connections: number;
  durationS: number;
  /** Throughput of the profiled run (slowed by the profiler; not comparable with the table). */
  rps: number;
  file: string;
  /** True when only the samples inside the load window were counted; false when the whole profile was. */
  windowOnly: boolean;
  /** CPU time of the main thread counted (idle left out), ms. */
  countedMs: number;
  top: SelfTime[];
  /** Time under each part of the gateway (a folder of gateway/, or a package), inclusive: shares overlap. */
  parts: SelfTime[];
}

export interface Aim {
  aim: string;
  value: string;
  met: boolean | null;
}

export const DIRECT = 'mock direct';
export const BARE = 'bare forwarder';
export const TERMSGATE = 'termsgate';

function runOf(results: SystemResult[], system: string, mode: Mode, connections: number): LoadResult | undefined {
  return results.find((r) => r.name === system)?.loads.find((l) => l.mode === mode)?.runs.find((r) => r.connections === connections);
}

/** CPU seconds per call answered 2xx of one run; null when its CPU was not sampled or nothing was answered. */
export function cpuPerCall(run: LoadResult): number | null {
  return run.cpuSeconds !== undefined && run.ok > 0 ? run.cpuSeconds / run.ok : null;
}

export function rowsOf(results: SystemResult[]): Row[] {
  const rows: Row[] = [];
  for (const system of results) {
    for (const { mode, runs } of system.loads) {
      for (const run of runs) {
        const direct = runOf(results, DIRECT, mode, run.connections);
        const bare = runOf(results, BARE, mode, run.connections);
        const cpu = cpuPerCall(run);
        const bareCpu = bare ? cpuPerCall(bare) : null;
        rows.push({
          system: system.name,
          mode,
          connections: run.connections,
          rps: run.rps,
          p50Ms: run.p50Ms,
          p99Ms: run.p99Ms,
          addedP50Ms: direct && system.name !== DIRECT ? run.p50Ms - direct.p50Ms : null,
          ratioToBare: bare && bare.rps > 0 ? run.rps / bare.rps : null,
          cpuPerCallS: cpu,
          cpuRatioToBare: cpu !== null && bareCpu !== null && bareCpu > 0 ? cpu / bareCpu : null,
          failed: run.errors + run.non2xx,
        });
      }
    }
  }
  return rows;
}

/** Highest throughput over the concurrencies of one mode. */
export function peakRps(result: SystemResult | undefined, mode: Mode = 'non-streaming'): number {
  const runs = result?.loads.find((l) => l.mode === mode)?.runs ?? [];
  return Math.max(0, ...runs.map((r) => r.rps));
}

export function aimsOf(results: SystemResult[]): Aim[] {
  const by = (name: string) => results.find((r) => r.name === name && r.available);
  const tg = by(TERMSGATE);
  if (!tg) return [{ aim: 'termsgate measured', value: 'unavailable', met: false }];
  const aims: Aim[] = [];
  const ratio = (other: string, times: number, label: string) => {
    const o = by(other);
    if (!o || peakRps(o) === 0) return aims.push({ aim: label, value: `${other} unavailable`, met: null });
    const r = peakRps(tg) / peakRps(o);
    aims.push({ aim: label, value: `${r.toFixed(2)}×`, met: r >= times });
  };
  ratio(BARE, 0.7, 'throughput ≥ 70% of bare forwarder (peak non-streaming)');
  if (tg.halfPeak) {
    aims.push({ aim: 'added p50 ≤ 1 ms at half peak throughput', value: `${tg.halfPeak.addedP50Ms.toFixed(3)} ms`, met: tg.halfPeak.addedP50Ms <= 1 });
  } else {
    aims.push({ aim: 'added p50 ≤ 1 ms at half peak throughput', value: 'not measured', met: null });
  }
  ratio('Portkey', 5, 'throughput ≥ 5 × Portkey');
  ratio('LiteLLM', 10, 'throughput ≥ 10 × LiteLLM');
  const direct = by(DIRECT)?.firstToken;
  if (tg.firstToken && direct) {
    const added = tg.firstToken.medianMs - direct.medianMs;
    aims.push({ aim: 'time to first token added ≤ 1 ms', value: `${added.toFixed(3)} ms`, met: added <= 1 });
    aims.push({
      aim: 'no chunk held (as many deltas as the provider sent)',
      value: `${tg.firstToken.medianDeltas} vs ${direct.medianDeltas}`,
      met: tg.firstToken.medianDeltas >= direct.medianDeltas,
    });
  }
  return aims;
}

const f = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const signed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '–' : (n >= 0 ? '+' : '') + n.toFixed(digits));
const mb = (bytes: number | undefined) => (bytes ? (bytes / 1024 / 1024).toFixed(0) : '–');

// A regular expression's whole source is its function name in a profile; the JSON keeps it whole.
const MAX_NAME = 100;

function functionCell(name: string): string {
  const short = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
  const cell = short.replace(/\|/g, '\\|');
  return cell.includes('`') ? cell : `\`${cell}\``;
}

export function profileMarkdown(p: ProfileTop): string {
  const lines = [
    `Top ${p.top.length} functions of termsgate by self time (V8 CPU profile of the main thread, ${p.mode}, ${p.connections} connections, ${p.durationS} s, ${f(p.rps, 0)} req/s under the profiler; ${
      p.windowOnly ? 'samples of the load window only' : 'whole profile: the load window could not be located'
    }, idle left out, ${f(p.countedMs, 0)} ms counted):`,
    '',
    '| # | function | self % | self ms |',
    '|---:|---|---:|---:|',
  ];
  p.top.forEach((r, i) => lines.push(`| ${i + 1} | ${functionCell(r.name)} | ${f(r.pct, 1)} | ${f(r.ms, 0)} |`));
  if (p.parts.length === 0) return lines.join('\n');
  lines.push(
    '',
    'The same samples by part, inclusive: a sample counts once for every part on its stack (a stage with what it calls, a package under the stage that uses it), so the shares overlap and do not sum to 100 %; Node\'s own code is counted under the part that called it:',
    '',
    '| part | inclusive % | ms |',
    '|---|---:|---:|',
  );
  for (const r of p.parts) lines.push(`| ${functionCell(r.name)} | ${f(r.pct, 1)} | ${f(r.ms, 0)} |`);
  return lines.join('\n');
}

/**
 * The classification-cost section, from bench/results/classify-cost.json when it exists (written by
 * the classification-cost benchmark): its `markdown` string as it is, else its `rows` (objects) as a
 * table. Null when the file holds neither.
 */
export function classificationMarkdown(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as { markdown?: unknown; rows?: unknown; title?: unknown };
  const title = typeof d.title === 'string' ? d.title : 'Classification cost by prompt size (bench/results/classify-cost.json):';
  if (typeof d.markdown === 'string' && d.markdown.trim()) return `${title}\n\n${d.markdown.trim()}`;
  if (!Array.isArray(d.rows) || d.rows.length === 0) return null;
  const rows = d.rows.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r));
  if (rows.length === 0) return null;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined || v === null ? '–' : typeof v === 'number' ? String(Number(v.toFixed(3))) : String(typeof v === 'object' ? JSON.stringify(v) : v)).replace(/\|/g, '\\|');
  return [title, '', `| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(' | ')} |`)].join('\n');
}

export interface ReportExtras {
  profile?: ProfileTop | null;
  /** Why the profile is missing, when it was asked for. */
  profileProblem?: string;
  classification?: string | null;
  /** Every call asked a different question (--unique-prompts). */
  uniquePrompts?: boolean;
}

export function markdown(results: SystemResult[], extras: ReportExtras = {}): string {
  const rows = rowsOf(results);
  const direct = results.find((r) => r.name === DIRECT)?.firstToken;
  const lines = [
    '| system | mode | conc. | RPS | p50 ms | p99 ms | p50 added vs direct | × bare RPS | CPU µs/call | × bare CPU/call | TTFT ms | TTFT added | peak RSS MB | failed |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const system = results.find((r) => r.name === row.system)!;
    const ttft = system.firstToken?.medianMs;
    lines.push(
      `| ${row.system} | ${row.mode} | ${row.connections} | ${f(row.rps, 0)} | ${f(row.p50Ms)} | ${f(row.p99Ms)} | ${signed(row.addedP50Ms)} | ${f(row.ratioToBare)} | ${f(row.cpuPerCallS === null ? null : row.cpuPerCallS * 1e6, 0)} | ${f(row.cpuRatioToBare)} | ${f(ttft)} | ${
        system.name === DIRECT ? '–' : signed(ttft !== undefined && direct ? ttft - direct.medianMs : null)
      } | ${mb(system.peakRssBytes)} | ${row.failed} |`,
    );
  }
  for (const r of results.filter((r) => r.halfPeak)) {
    const h = r.halfPeak!;
    lines.push('', `${r.name} at half its peak (${f(h.rate, 0)} req/s fixed rate): p50 ${f(h.p50Ms, 3)} ms vs mock direct ${f(h.directP50Ms, 3)} ms → added ${signed(h.addedP50Ms, 3)} ms.`);
  }
  lines.push(
    '',
    extras.uniquePrompts
      ? 'Load: every call asks a different question (--unique-prompts), so every answer is a new restricted output that termsgate fingerprints and indexes by meaning.'
      : 'Load: every call repeats one prompt, and the mock provider repeats its answer; termsgate indexes a repeated answer once (run with --unique-prompts for every answer new).',
  );
  if (rows.some((r) => r.cpuPerCallS !== null)) {
    lines.push(
      '',
      "CPU µs/call: user + system CPU of the system's whole process tree (/proc/PID/stat of each process, sampled at the start and end of the load window) over the calls answered 2xx in it. It does not depend on the core count, but contention on a loaded machine inflates it: compare ratios within one run. The mock provider's own CPU is counted only in its own row.",
    );
  }
  const notes = [
    ...results.filter((r) => !r.available).map((r) => `${r.name}: unavailable (${r.reason})`),
    ...results.flatMap((r) => r.loads.filter((l) => l.unavailable).map((l) => `${r.name} ${l.mode}: unavailable (${l.unavailable})`)),
    ...results.filter((r) => r.firstToken?.lastFailure).map((r) => `${r.name} first token: ${r.firstToken!.failures} failed (${r.firstToken!.lastFailure})`),
  ];
  if (notes.length > 0) lines.push('', ...notes);
  if (extras.profile) lines.push('', profileMarkdown(extras.profile));
  else if (extras.profileProblem) lines.push('', `termsgate CPU profile: ${extras.profileProblem}`);
  if (extras.classification) lines.push('', extras.classification);
  const aims = aimsOf(results);
  lines.push('', '| aim (issue 8) | measured | met |', '|---|---:|---|');
  for (const a of aims) lines.push(`| ${a.aim} | ${a.value} | ${a.met === null ? '–' : a.met ? 'yes' : 'no'} |`);
  return lines.join('\n');
}
