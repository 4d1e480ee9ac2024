// Budgets per key and team per UTC day and month: a soft threshold (a warning the caller sees in a
// header) and a hard stop (402, or 429 where configured, in the endpoint's dialect) once the spend
// counted reaches the budget. The check reads local totals only (no I/O on the call's path); calls
// already in flight when a budget is reached still complete and are counted.
import type { KeyBudget, Principal } from '../core/contracts.js';
import { periodsOf, type SpendStore } from './spend.js';

export interface BudgetRefusal {
  status: 402 | 429;
  message: string;
  /** Seconds to the start of the next period, for retry-after. */
  retryAfterS: number;
}

export interface BudgetCheck {
  refusal: BudgetRefusal | null;
  /** Budgets past their soft threshold, in words (the x-termsgate-budget header). */
  warning: string | null;
}

export interface BudgetOptions {
  teams: Record<string, KeyBudget>;
  store: SpendStore;
  /** Percent of a budget from which calls carry a warning. */
  softPercent: number;
  hardStopStatus: 402 | 429;
  now?: () => Date;
}

const NONE: BudgetCheck = { refusal: null, warning: null };

export class Budgets {
  readonly #now: () => Date;

  constructor(private readonly opts: BudgetOptions) {
    this.#now = opts.now ?? (() => new Date());
  }

  #subjects(p: Principal): Array<{ subject: string; whose: string; budget: KeyBudget }> {
    const out: Array<{ subject: string; whose: string; budget: KeyBudget }> = [];
    if (p.budget) out.push({ subject: `key:${p.keyId}`, whose: `virtual key ${p.keyId}`, budget: p.budget });
    const team = this.opts.teams[p.team];
    if (team) out.push({ subject: `team:${p.team}`, whose: `team ${p.team}`, budget: team });
    return out;
  }

  check(p: Principal): BudgetCheck {
    const subjects = this.#subjects(p);
    if (subjects.length === 0) return NONE;
    const now = this.#now();
    const { day, month } = periodsOf(now);
    const warnings: string[] = [];
    for (const { subject, whose, budget } of subjects) {
      for (const [limit, period, name] of [[budget.dailyUsd, day, 'daily'], [budget.monthlyUsd, month, 'monthly']] as const) {
        if (limit === undefined) continue;
        const spent = this.opts.store.total(subject, period);
        if (spent >= limit) {
          return { refusal: { status: this.opts.hardStopStatus, message: `the ${name} budget of ${whose} is spent: $${spent.toFixed(2)} of $${limit.toFixed(2)}`, retryAfterS: secondsToNext(now, name) }, warning: null };
        }
        if (spent >= (limit * this.opts.softPercent) / 100) warnings.push(`${whose} ${name} ${Math.floor((spent / limit) * 100)}%`);
      }
    }
    return { refusal: null, warning: warnings.length ? warnings.join(', ') : null };
  }

  /** Dollars the subject (`key:<id>`, `team:<name>`) has spent today and this month, as counted here. */
  spent(subject: string): { day_usd: number; month_usd: number } {
    const { day, month } = periodsOf(this.#now());
    return { day_usd: this.opts.store.total(subject, day), month_usd: this.opts.store.total(subject, month) };
  }

  /** Counts a call's cost against the key's and team's day and month (whether or not they have budgets, for reports). */
  record(p: Pick<Principal, 'keyId' | 'team'>, usd: number, at = this.#now()): Promise<void> {
    const { day, month } = periodsOf(at);
    const subjects = [`key:${p.keyId}`, `team:${p.team}`];
    return this.opts.store.add(subjects.flatMap((subject) => [{ subject, period: day, usd }, { subject, period: month, usd }]));
  }
}

function secondsToNext(now: Date, period: 'daily' | 'monthly'): number {
  const next = period === 'daily' ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}
