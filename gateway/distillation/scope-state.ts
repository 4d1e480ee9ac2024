// One scope's state (a key, project, team or provider): sliding window counts, what it has seen of
// templates and prompts in fixed-size slot tables, a few example decision ids per signal, and its current
// risk. Memory per scope is fixed (about 30 KB), so the monitor's memory grows with the number of keys, never with calls.
import type { RiskLevel } from '../core/contracts.js';
import { score, type Signal, type SignalName } from './score.js';
import { SlotTable } from './slot-table.js';
import { BUCKET_MS, SlidingCounts, type Counter } from './window.js';

/** Band keys remembered per scope: about a hundred recent distinct prompts' worth. */
const BAND_SLOTS = 1024;
const PROMPT_SLOTS = 512;
/** Temperatures are told apart in steps of 0.1 from 0 to 2: 21 bits of a prompt's slot value above its count. */
const COUNT_BITS = 2 ** 16;
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
  exact: number;
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
  /** Band key → calls that matched it: the largest among a prompt's bands is its template's size. */
  readonly #bands = new SlotTable(BAND_SLOTS);
  /** Exact prompt → its count (low 16 bits) and the temperatures it was sent at (a bit set above them). */
  readonly #prompts = new SlotTable(PROMPT_SLOTS);
  readonly #examples = new Map<SignalName, string[]>();
  risk: ScopeRisk;

  constructor(readonly scope: string) {
    this.risk = { scope, score: 0, level: 'low', signals: [], calls: 0, updated: 0 };
  }

  /** Counts one call and returns its risk afterwards. */
  observe(c: CallShape): ScopeRisk {
    let templateCalls = 0;
    for (const b of c.bands) {
      const slot = this.#bands.find(b);
      if (slot >= 0) templateCalls = Math.max(templateCalls, this.#bands.values[slot]);
    }
    const templated = templateCalls > 0;
    for (const b of c.bands) this.#bands.values[this.#bands.claim(b)] = templateCalls + 1;

    const seen = this.#prompts.find(c.exact) >= 0;
    const slot = this.#prompts.claim(c.exact);
    const packed = this.#prompts.values[slot];
    const count = (packed % COUNT_BITS) + 1;
    let temps = Math.floor(packed / COUNT_BITS);
    if (c.temperature !== null) temps |= 1 << Math.min(20, Math.max(0, Math.round(c.temperature * 10)));
    this.#prompts.values[slot] = temps * COUNT_BITS + Math.min(count, COUNT_BITS - 1);

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
    note('sweep', 'capability_sweep', templated && !seen && templateCalls >= SWEEP_AFTER);
    note('reasoning', 'reasoning_elicitation', c.reasoning);
    note('harvest', 'harvesting', c.bulk || count >= REPEATS || bitCount(temps) >= 3);
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

function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v > 0; v >>>= 1) n += v & 1;
  return n;
}
