// The risk score of one scope from its window counts: each signal has a strength in [0, 1] and a
// weight; the score is their weighted sum (0–100), damped when little of the traffic goes to providers
// whose terms forbid training. Pure.
import type { RiskLevel } from '../core/contracts.js';
import type { Counter } from './window.js';

export const SIGNALS = ['purpose_laundering', 'reasoning_elicitation', 'harvesting', 'templated_prompts', 'capability_sweep', 'coordination', 'release_surge', 'restricted_volume'] as const;
export type SignalName = (typeof SIGNALS)[number];

/** What each signal means, in words, for the admin route and the console. */
export const SIGNAL_MEANINGS: Record<SignalName, string> = {
  purpose_laundering: 'prompts refused for a training purpose on a restricted model were sent again under another purpose',
  reasoning_elicitation: 'a large share of prompts ask for step-by-step reasoning or a visible chain of thought',
  harvesting: 'many samples per prompt: n > 1, very high output limits or long outputs, the same prompt repeated or swept over temperatures',
  templated_prompts: 'most prompts are near-duplicates of one another once their variable slots are masked',
  capability_sweep: 'one template filled with ever new values: a systematic sweep over a narrow capability',
  coordination: 'the same templates are used by several keys',
  release_surge: 'traffic surged within a day of a model version change',
  restricted_volume: 'volume of outputs from providers whose terms forbid training on them',
};

// Two strong shape signals with restricted volume reach high; one reaches medium. Templated prompts and a
// sweep come together in many ordinary apps, so they weigh less than reasoning and harvesting.
export const WEIGHTS: Record<SignalName, number> = {
  purpose_laundering: 60,
  reasoning_elicitation: 30,
  harvesting: 30,
  templated_prompts: 20,
  capability_sweep: 20,
  coordination: 25,
  release_surge: 20,
  restricted_volume: 15,
};

export const MEDIUM = 40;
export const HIGH = 70;
/** Below this many calls in the window, shares say nothing and shape signals stay at zero. */
export const MIN_CALLS = 50;
/** Restricted outputs in a week at which the volume signal is full. */
export const FULL_VOLUME = 500;

export interface Signal {
  name: SignalName;
  strength: number;
  /** The measured value behind the strength (a share, a count, a ratio). */
  value: number;
  meaning: string;
  examples: string[];
}

export interface ScoreInput {
  week: Record<Counter, number>;
  /** Calls in the last day, and the calls after a release in the last day. */
  day: Record<Counter, number>;
  examples: ReadonlyMap<SignalName, readonly string[]>;
}

const ramp = (x: number, from: number, to: number) => Math.max(0, Math.min(1, (x - from) / (to - from)));

export function levelOf(score: number): RiskLevel {
  return score >= HIGH ? 'high' : score >= MEDIUM ? 'medium' : 'low';
}

export function score(input: ScoreInput): { score: number; level: RiskLevel; signals: Signal[] } {
  const { week, day } = input;
  const enough = week.calls >= MIN_CALLS;
  const share = (c: Counter) => (enough ? week[c] / week.calls : 0);
  // The day's release traffic against the week's daily mean: a surge is three times the usual day.
  const dailyMean = week.calls / 7;
  const surge = day.afterRelease >= MIN_CALLS ? day.afterRelease / Math.max(dailyMean, 1) : 0;
  const measured: [SignalName, number, number][] = [
    ['purpose_laundering', week.laundering, Math.min(1, week.laundering / 3)],
    ['reasoning_elicitation', share('reasoning'), ramp(share('reasoning'), 0.15, 0.5)],
    ['harvesting', share('harvest'), ramp(share('harvest'), 0.15, 0.5)],
    ['templated_prompts', share('templated'), ramp(share('templated'), 0.4, 0.8)],
    ['capability_sweep', share('sweep'), ramp(share('sweep'), 0.25, 0.6)],
    ['coordination', share('coordinated'), ramp(share('coordinated'), 0.2, 0.6)],
    ['release_surge', surge, ramp(surge, 1.5, 3)],
    ['restricted_volume', week.restricted, Math.min(1, week.restricted / FULL_VOLUME)],
  ];
  const signals = measured
    .filter(([, , s]) => s > 0)
    .map(([name, value, strength]) => ({ name, value: Math.round(value * 1000) / 1000, strength: Math.round(strength * 1000) / 1000, meaning: SIGNAL_MEANINGS[name], examples: [...(input.examples.get(name) ?? [])] }))
    .sort((a, b) => WEIGHTS[b.name] * b.strength - WEIGHTS[a.name] * a.strength);
  const raw = signals.reduce((sum, s) => sum + WEIGHTS[s.name] * s.strength, 0);
  // Distilling a model whose terms allow it is no breach; the score counts mostly restricted traffic.
  const restrictedShare = week.calls > 0 ? week.restricted / week.calls : 0;
  const value = Math.round(Math.min(100, raw) * (0.4 + 0.6 * restrictedShare) * 10) / 10;
  return { score: value, level: levelOf(value), signals };
}
