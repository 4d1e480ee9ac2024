// Where spend is counted, per subject (`key:<id>`, `team:<name>`) and period (`d:YYYY-MM-DD`,
// `m:YYYY-MM`, UTC): in memory on one node (rebuilt at start from the audit log's recorded costs), or in
// PostgreSQL for a fleet. Reads are local (what this replica last heard), so a budget check costs no
// round trip; a fleet's replicas re-read the current periods every pollMs.
import type pg from 'pg';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';

export interface SpendEntry {
  subject: string;
  period: string;
  usd: number;
}

export interface SpendStore {
  /** Dollars spent by the subject in the period, as this replica knows it. */
  total(subject: string, period: string): number;
  /** Adds to each entry's total; resolves once counted where every replica reads it. */
  add(entries: SpendEntry[]): Promise<void>;
  close(): Promise<void>;
}

export function periodsOf(at: Date): { day: string; month: string } {
  const iso = at.toISOString();
  return { day: `d:${iso.slice(0, 10)}`, month: `m:${iso.slice(0, 7)}` };
}

export class MemorySpend implements SpendStore {
  readonly #totals = new Map<string, SpendEntry>();

  total(subject: string, period: string): number {
    return this.#totals.get(`${subject} ${period}`)?.usd ?? 0;
  }

  async add(entries: SpendEntry[]): Promise<void> {
    for (const e of entries) {
      const key = `${e.subject} ${e.period}`;
      const total = this.#totals.get(key);
      if (total) total.usd += e.usd;
      else this.#totals.set(key, { subject: e.subject, period: e.period, usd: e.usd });
    }
  }

  /** Every total counted, for a snapshot (spend-snapshot.ts). */
  entries(): SpendEntry[] {
    return [...this.#totals.values()].map((e) => ({ ...e }));
  }

  async close(): Promise<void> {}
}

const LOCK_KEY = 0x7467_7370; // "tgsp": replicas starting together create the table one at a time

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spend (
  subject text NOT NULL,
  period text NOT NULL,
  usd numeric(24, 8) NOT NULL,
  PRIMARY KEY (subject, period)
)`;

export class PgSpend implements SpendStore {
  readonly #totals = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {}

  static async open(pool: pg.Pool, opts: { pollMs: number; onError: (err: Error) => void; now?: () => Date }): Promise<PgSpend> {
    // CREATE TABLE IF NOT EXISTS is not safe against itself (two replicas can both pass its check and
    // one fail on the table's row type), so it runs under an advisory lock.
    await underAdvisoryLock(pool, LOCK_KEY, (client) => client.query(SCHEMA));
    const store = new PgSpend(pool, opts.now ?? (() => new Date()));
    await store.refresh();
    store.#timer = setInterval(() => store.refresh().catch(opts.onError), opts.pollMs);
    store.#timer.unref();
    return store;
  }

  total(subject: string, period: string): number {
    return this.#totals.get(`${subject} ${period}`) ?? 0;
  }

  async add(entries: SpendEntry[]): Promise<void> {
    const { rows } = await this.pool.query<{ subject: string; period: string; usd: string }>(
      `INSERT INTO spend (subject, period, usd) SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[])
       ON CONFLICT (subject, period) DO UPDATE SET usd = spend.usd + excluded.usd RETURNING subject, period, usd`,
      [entries.map((e) => e.subject), entries.map((e) => e.period), entries.map((e) => e.usd.toFixed(8))],
    );
    for (const r of rows) this.#totals.set(`${r.subject} ${r.period}`, Number(r.usd));
  }

  /** Re-reads the current day's and month's totals (what other replicas added). */
  async refresh(): Promise<void> {
    const { day, month } = periodsOf(this.now());
    const { rows } = await this.pool.query<{ subject: string; period: string; usd: string }>('SELECT subject, period, usd FROM spend WHERE period = ANY($1)', [[day, month]]);
    for (const r of rows) this.#totals.set(`${r.subject} ${r.period}`, Number(r.usd));
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
  }
}
