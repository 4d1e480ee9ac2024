// One scope's state (a key, project, team or provider): sliding window counts, what it has seen of
// templates and prompts in bounded LRU maps, a few example decision ids per signal, and its current risk.
// Memory per scope is fixed, so the monitor's memory grows with the number of keys, never with calls.
import { LRUCache } from 'lru-cache';
import type { RiskLevel } from '../core/contracts.js';
import { score, type Signal, type SignalName } from './score.js';
import { BUCKET_MS, SlidingCounts, type Counter } from './window.js';

/** Band keys remembered per scope: about a hundred recent distinct prompts' worth. */
const BAND_ENTRIES = 2048;
const PROMPT_ENTRIES = 512;
const EXAMPLES = 3;
/** A template is being swept once this many calls have filled it. */
export const SWEEP_AFTER = 20;
/** A prompt sent this many times (or at three temperatures) is being harvested. */
export const REPEATS = 5;

export interface ScopeRisk {
  scope: string;
  score: number;
  level: RiskLevel;
  signals: Signal[];
  calls: number;
  updated: number;
}

export interface CallShape {
  decisionId: string;
  time: number;
  restricted: boolean;
  bands: number[];
  exact: string;
  temperature: number | null;
  reasoning: boolean;
  /** n > 1, very high output limit, long output. */
  bulk: boolean;
  coordinated: boolean;
  afterRelease: boolean;
  laundering: boolean;
}

export class ScopeState {
  readonly counts = new SlidingCounts();
  /** Band key → the template cluster it belongs to, and that cluster's number of calls. */
  readonly #bands = new LRUCache<number, { cluster: number; calls: number }>({ max: BAND_ENTRIES });
  readonly #prompts = new LRUCache<string, { count: number; temps: Set<number> }>({ max: PROMPT_ENTRIES });
  readonly #examples = new Map<SignalName, string[]>();
  risk: ScopeRisk;

  constructor(readonly scope: string) {
    this.risk = { scope, score: 0, level: 'low', signals: [], calls: 0, updated: 0 };
  }

  /** Counts one call and returns its risk afterwards. */
  observe(c: CallShape): ScopeRisk {
    let cluster: { cluster: number; calls: number } | undefined;
    for (const b of c.bands) {
      const hit = this.#bands.get(b);
      if (hit && (!cluster || hit.calls > cluster.calls)) cluster = hit;
    }
    const templated = cluster !== undefined;
    const entry = cluster ?? { cluster: c.bands[0], calls: 0 };
    entry.calls++;
    for (const b of c.bands) this.#bands.set(b, entry);

    const seen = this.#prompts.get(c.exact);
    const prompt = seen ?? { count: 0, temps: new Set<number>() };
    prompt.count++;
    if (c.temperature !== null && prompt.temps.size < 8) prompt.temps.add(Math.round(c.temperature * 10));
    this.#prompts.set(c.exact, prompt);

    const fired: Counter[] = ['calls'];
    const note = (counter: Counter, signal: SignalName, on: boolean) => {
      if (!on) return;
      fired.push(counter);
      const ex = this.#examples.get(signal) ?? [];
      ex.push(c.decisionId);
      if (ex.length > EXAMPLES) ex.shift();
      this.#examples.set(signal, ex);
    };
    note('restricted', 'restricted_volume', c.restricted);
    note('templated', 'templated_prompts', templated);
    // A new fill of a template many calls already used: coverage over a narrow capability.
    note('sweep', 'capability_sweep', templated && seen === undefined && entry.calls >= SWEEP_AFTER);
    note('reasoning', 'reasoning_elicitation', c.reasoning);
    note('harvest', 'harvesting', c.bulk || prompt.count >= REPEATS || prompt.temps.size >= 3);
    note('coordinated', 'coordination', c.coordinated);
    note('afterRelease', 'release_surge', c.afterRelease);
    note('laundering', 'purpose_laundering', c.laundering);
    this.counts.add(c.time, fired);
    return this.rescore(c.time);
  }

  rescore(now: number): ScopeRisk {
    const week = this.counts.sum(now);
    const s = score({ week, day: this.counts.sum(now, 6 * BUCKET_MS), examples: this.#examples });
    this.risk = { scope: this.scope, score: s.score, level: s.level, signals: s.signals, calls: week.calls, updated: now };
    return this.risk;
  }
}
