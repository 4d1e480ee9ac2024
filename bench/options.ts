// Command-line options of `node dist/bench/run.js`.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  /** Seconds of soak; null for the comparison run. */
  soakS: number | null;
  /** Seconds of attacks in the soak under mixed attack (issue 21); null when not asked for. */
  attackSoakS: number | null;
  /** With --attack-soak: one attack alone instead of all at once; null for all. */
  attackOnly: AttackName | null;
  /** Which system the soak loads. */
  soakSystem: string;
  systems: string[] | null;
  concurrencies: number[];
  durationS: number;
  /** Seconds of load before each later run. */
  warmupS: number;
  /** Seconds of load before the first measured run of a started system (and of each mode): V8 compiles a large program's hot functions for tens of seconds, and a gateway runs for days. */
  firstWarmupS: number;
  firstTokenRequests: number;
  latencyMs: number;
  chunkDelayMs: number;
  words: number;
  outDir: string;
  /** Write a V8 CPU profile of termsgate (node --cpu-prof) into bench/tmp/profiles. */
  cpuProf: boolean;
  /** Rows of the top-functions table of termsgate's CPU profile (one more profiled load window); 0 for none. */
  profileTop: number;
  /** Worker counts of the worker-scaling table (issue 20); empty for none. */
  workers: number[];
  /** Only the worker-scaling table. */
  workersOnly: boolean;
  /** Every call asks a different question, so every answer is a new output to index (the default repeats one prompt). */
  uniquePrompts: boolean;
}

/** The attacks of the soak under mixed attack, by name (--attack-only). */
export const ATTACK_NAMES = ['slow-readers', 'endless-json', 'endless-stream', 'huge-event', 'large-bodies', 'previews'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export const usage = `usage: node dist/bench/run.js [options]
  --quick                 short smoke run (2 concurrencies, 3 s each)
  --soak SECONDS          steady load on one system, sampling RSS and open fds every 5 s
  --attack-soak [S]       termsgate under mixed attack for S seconds (default 300), between 30 s of normal
                          load before and 30 s after: RSS, fds, heap, event-loop delay, /healthz and normal
                          calls' p99 per window
  --attack-only NAME      with --attack-soak, one attack alone, with 10 s before and after (${ATTACK_NAMES.join(', ')})
  --soak-system NAME      system the soak loads (default termsgate)
  --systems a,b           only these systems (names as in the table, case-insensitive)
  --concurrency 10,50,100 connections per load run
  --duration S            seconds per load run (default 10)
  --warmup S              seconds of load before a started system's first measured run of each mode, while
                          V8 compiles its hot functions (default 15; 3 in --quick); 2 s before later runs
  --latency-ms N          mock provider latency (default 20)
  --chunk-delay-ms N      pause between streamed chunks when timing the first token (default 2)
  --words N               answer length in words (default 40)
  --out DIR               results folder (default bench/results)
  --cpu-prof              profile termsgate (node --cpu-prof) into bench/tmp/profiles
  --profile-top N         run termsgate once more under --cpu-prof (non-streaming, 50 connections, one
                          load window) and report its top N functions by self time (default 10; 0 = off;
                          off in --quick unless given)
  --workers 1,2           rows of the worker-scaling table: termsgate with server.workers N on the
                          PostgreSQL stores (TERMSGATE_BENCH_PG, default the local test database),
                          non-streaming, 50 connections, --duration (default 1,2; 0 = off)
  --workers-only          only the worker-scaling table (results in latest-workers.json)
  --unique-prompts        every call asks a different question, so every answer differs (by default all
                          calls repeat one prompt, and the mock provider repeats its answer)`;

function list(value: string | undefined): string[] | null {
  return value === undefined ? null : value.split(',').map((s) => s.trim()).filter(Boolean);
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

function profileTop(value: string | undefined, quick: boolean): number {
  if (value === undefined) return quick ? 0 : 10;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error('--profile-top must be a whole number ≥ 0');
  return n;
}

export const ATTACK_SOAK_DEFAULT_S = 300;

export function parseOptions(argv: string[], defaultOut: string): BenchOptions {
  // --attack-soak may come without its seconds (then the default).
  const args = argv.flatMap((a, i) => (a === '--attack-soak' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? [a, String(ATTACK_SOAK_DEFAULT_S)] : [a]));
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      soak: { type: 'string' },
      'attack-soak': { type: 'string' },
      'attack-only': { type: 'string' },
      'soak-system': { type: 'string', default: 'termsgate' },
      systems: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'latency-ms': { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      words: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'profile-top': { type: 'string' },
      workers: { type: 'string' },
      'workers-only': { type: 'boolean', default: false },
      'unique-prompts': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(usage);
  const quick = values.quick === true;
  const only = values['attack-only'];
  if (only !== undefined && !(ATTACK_NAMES as readonly string[]).includes(only)) throw new Error(`--attack-only must be one of ${ATTACK_NAMES.join(', ')}`);
  const concurrencies = (list(values.concurrency) ?? (quick ? ['10', '50'] : ['10', '50', '100'])).map((c) => positive('concurrency', c, 10));
  return {
    quick,
    soakS: values.soak === undefined ? null : positive('soak', values.soak, 300),
    attackSoakS: values['attack-soak'] === undefined ? null : positive('attack-soak', values['attack-soak'], ATTACK_SOAK_DEFAULT_S),
    attackOnly: (only as AttackName | undefined) ?? null,
    soakSystem: values['soak-system']!,
    systems: list(values.systems)?.map((s) => s.toLowerCase()) ?? null,
    concurrencies,
    durationS: positive('duration', values.duration, quick ? 3 : 10),
    warmupS: quick ? 1 : 2,
    firstWarmupS: positive('warmup', values.warmup, quick ? 3 : 15),
    firstTokenRequests: quick ? 10 : 50,
    latencyMs: positive('latency-ms', values['latency-ms'], 20),
    chunkDelayMs: positive('chunk-delay-ms', values['chunk-delay-ms'], 2),
    words: positive('words', values.words, 40),
    outDir: values.out ?? defaultOut,
    cpuProf: values['cpu-prof'] === true,
    profileTop: profileTop(values['profile-top'], quick),
    workers: values.workers === '0' ? [] : (list(values.workers) ?? ['1', '2']).map((w) => positive('workers', w, 1)),
    workersOnly: values['workers-only'] === true,
    uniquePrompts: values['unique-prompts'] === true,
  };
}
