// Budgets per key and team per UTC day and month: a soft threshold (a warning the caller sees in a
// header) and a hard stop (402, or 429 where configured, in the endpoint's dialect) once the spend
// counted reaches the budget. The check reads local totals only (no I/O on the call's path). A call in
// flight holds its estimated cost until it is counted, and the check adds what calls in flight hold: a
// burst of concurrent calls cannot each see the budget unspent and together pass it many times over.
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

/** A budget a call counts against: its subject (`key:<id>`, `team:<name>`), in words, and its limits. */
interface BudgetSubject {
  subject: string;
  whose: string;
  budget: KeyBudget;
}

/** What the calls in flight of one subject (`key:<id>`, `team:<name>`) hold: their estimated cost and their number. */
interface Held {
  usd: number;
  calls: number;
}

export class Budgets {
  readonly #now: () => Date;
  readonly #held = new Map<string, Held>();

  constructor(private readonly opts: BudgetOptions) {
    this.#now = opts.now ?? (() => new Date());
  }

  #subjects(p: Principal): BudgetSubject[] {
    const out: BudgetSubject[] = [];
    if (p.budget) out.push({ subject: `key:${p.keyId}`, whose: `virtual key ${p.keyId}`, budget: p.budget });
    const team = this.opts.teams[p.team];
    if (team) out.push({ subject: `team:${p.team}`, whose: `team ${p.team}`, budget: team });
    return out;
  }

  check(p: Principal): BudgetCheck {
    return this.#checkSubjects(this.#subjects(p));
  }

  #checkSubjects(subjects: BudgetSubject[]): BudgetCheck {
    if (subjects.length === 0) return NONE;
    const now = this.#now();
    const { day, month } = periodsOf(now);
    const warnings: string[] = [];
    for (const { subject, whose, budget } of subjects) {
      const held = this.#held.get(subject);
      for (const [limit, period, name] of [[budget.dailyUsd, day, 'daily'], [budget.monthlyUsd, month, 'monthly']] as const) {
        if (limit === undefined) continue;
        const spent = this.opts.store.total(subject, period);
        if (spent + (held?.usd ?? 0) >= limit) {
          const inFlight = held && held.calls > 0 ? ` spent and $${held.usd.toFixed(4)} held by ${held.calls} call(s) in flight` : '';
          const message = `the ${name} budget of ${whose} is spent: $${spent.toFixed(2)}${inFlight} of $${limit.toFixed(2)}`;
          return { refusal: { status: this.opts.hardStopStatus, message, retryAfterS: secondsToNext(now, name) }, warning: null };
        }
        if (spent >= (limit * this.opts.softPercent) / 100) warnings.push(`${whose} ${name} ${Math.floor((spent / limit) * 100)}%`);
      }
    }
    return { refusal: null, warning: warnings.length ? warnings.join(', ') : null };
  }

  /**
   * Holds a call's estimated cost against its key's and team's budgets until `release` (once it is counted,
   * or has failed), after checking that what is spent and held leaves room: the check and the hold are one
   * step, so of many calls admitted at once only those the budget covers go ahead. Null when it has no budget.
   */
  hold(p: Principal, usd: number): { refusal: BudgetRefusal } | { release: () => void } | null {
    const budgeted = this.#subjects(p);
    if (budgeted.length === 0) return null;
    const refusal = this.#checkSubjects(budgeted).refusal;
    if (refusal) return { refusal };
    const subjects = budgeted.map((s) => s.subject);
    for (const subject of subjects) {
      const held = this.#held.get(subject) ?? { usd: 0, calls: 0 };
      this.#held.set(subject, { usd: held.usd + usd, calls: held.calls + 1 });
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const subject of subjects) {
          const held = this.#held.get(subject);
          if (!held) continue;
          if (held.calls <= 1) this.#held.delete(subject);
          else this.#held.set(subject, { usd: held.usd - usd, calls: held.calls - 1 });
        }
      },
    };
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
