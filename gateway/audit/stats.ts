// Counts behind the console's charts, accumulated record by record so a scan of the log never holds
// the records: decisions over time by outcome, denials by rule and by team, the share of outputs that
// may train by provider, and the training feed's admissions and refusals. Pure.
import type { CallRecord } from '../core/contracts.js';
import { ADMISSION_RULE } from '../core/rule-names.js';

export interface TimeBucket {
  start: string;
  allowed: number;
  denied: number;
  failed: number;
}

export interface AuditStats {
  bucket_ms: number;
  calls: number;
  over_time: TimeBucket[];
  denials_by_rule: Record<string, number>;
  denials_by_team: Record<string, number>;
  /** Allowed, answered calls per provider, and how many of them may train our models. */
  trainable_by_provider: Record<string, { trainable: number; total: number }>;
  /** Answers the policy let train: admitted to the feed with a permit, or refused at admission. */
  feed: { admitted: number; refused: number };
}

const OUTCOME_PHASES = new Set<CallRecord['phase']>(['completed', 'incomplete', 'denied', 'failed']);

export class StatsAccumulator {
  readonly #bucketMs: number;
  readonly #buckets = new Map<number, TimeBucket>();
  readonly #s: Omit<AuditStats, 'over_time' | 'bucket_ms'> = { calls: 0, denials_by_rule: {}, denials_by_team: {}, trainable_by_provider: {}, feed: { admitted: 0, refused: 0 } };

  constructor(bucketMs: number) {
    if (!(bucketMs > 0)) throw new RangeError('bucket must be positive');
    this.#bucketMs = bucketMs;
  }

  /** Counts a call once, by its outcome record; `started` records are skipped. */
  add(r: CallRecord): void {
    if (!OUTCOME_PHASES.has(r.phase)) return;
    const s = this.#s;
    s.calls++;
    const t = Math.floor(Date.parse(r.time) / this.#bucketMs) * this.#bucketMs;
    let b = this.#buckets.get(t);
    if (!b) this.#buckets.set(t, (b = { start: new Date(t).toISOString(), allowed: 0, denied: 0, failed: 0 }));
    if (r.decision === 'deny') {
      b.denied++;
      for (const rule of new Set(r.reasons.map((x) => x.rule))) s.denials_by_rule[rule] = (s.denials_by_rule[rule] ?? 0) + 1;
      s.denials_by_team[r.principal.team] = (s.denials_by_team[r.principal.team] ?? 0) + 1;
      return;
    }
    if (r.phase === 'failed') {
      b.failed++;
      return;
    }
    b.allowed++;
    const p = (s.trainable_by_provider[r.provider ?? 'unknown'] ??= { trainable: 0, total: 0 });
    p.total++;
    if (r.trainable) p.trainable++;
    if (r.training_permit_id) s.feed.admitted++;
    else if (r.reasons.some((x) => x.rule === ADMISSION_RULE)) s.feed.refused++;
  }

  result(): AuditStats {
    return { bucket_ms: this.#bucketMs, ...this.#s, over_time: [...this.#buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b) };
  }
}
