// The configured limits and spend: rate limits, budgets and their spend counts, and the price
// catalogue. In memory on one node (spend rebuilt from the audit log's recorded costs of this month,
// from the snapshot of the last clean stop on: spend-snapshot.ts); with a PostgreSQL key store, shared
// in its database.
import pg from 'pg';
import type { Config } from '../config/types.js';
import type { CallRecord, KeyBudget, KeyLimits } from '../core/contracts.js';
import { Budgets } from './budgets.js';
import { Prices } from './prices.js';
import { RateLimits } from './rate-limits.js';
import { MemorySpend, periodsOf, PgSpend, type SpendStore } from './spend.js';
import { readSpendSnapshot, spendSnapshotPath, writeSpendSnapshot, type LogTree } from './spend-snapshot.js';

export interface Limits {
  rateLimits: RateLimits;
  budgets: Budgets;
  prices: Prices;
  close(): Promise<void>;
}

export interface OpenLimitsOptions {
  /** Call records from a time on (the audit log), from the record numbered `fromSeq` on, to count this month's spend on one node. */
  recordsSince(from: string, fromSeq: number): AsyncIterable<CallRecord>;
  /**
   * The audit log's tree and its last checkpoint (one node): a spend snapshot names the size and root
   * it counts to. Closed before the limits, the log's last checkpoint covers every record.
   */
  tree?: LogTree & { latestCheckpoint(): Promise<{ size: number; root: Buffer } | null> };
  onError: (err: Error) => void;
}

export async function openLimits(config: Pick<Config, 'dataDir' | 'teams' | 'keyStore' | 'audit' | 'spend' | 'policy'>, opts: OpenLimitsOptions): Promise<Limits> {
  const rates: Record<string, KeyLimits> = {};
  const budgets: Record<string, KeyBudget> = {};
  for (const [team, t] of Object.entries(config.teams)) {
    if (t.limits) rates[team] = t.limits;
    if (t.budget) budgets[team] = t.budget;
  }
  const prices = Prices.load(config.policy.dir);
  const budgetsOf = (store: SpendStore) => new Budgets({ teams: budgets, store, softPercent: config.spend.softPercent, hardStopStatus: config.spend.hardStopStatus });
  const shared = (config.keyStore.backend ?? config.audit.backend) === 'postgres';
  if (!shared) {
    const spend = new MemorySpend();
    const b = budgetsOf(spend);
    const now = periodsOf(new Date());
    const monthStart = `${now.month.slice(2)}-01T00:00:00.000Z`;
    const tree = opts.tree;
    const path = spendSnapshotPath(config.dataDir);
    const snapshot = tree ? await readSpendSnapshot(path, tree) : null;
    // Yesterday's and last month's totals limit nothing now.
    if (snapshot) await spend.add(snapshot.totals.filter((e) => e.period === now.day || e.period === now.month));
    for await (const r of opts.recordsSince(monthStart, snapshot?.size ?? 0)) {
      if (r.cost_usd !== undefined && r.principal.key_id !== 'anonymous') await b.record({ keyId: r.principal.key_id, team: r.principal.team }, r.cost_usd, new Date(r.time));
    }
    const close = async () => {
      if (!tree) return;
      // Only when the log's last checkpoint is its whole size: every record counted is under it, and none after it.
      const checkpoint = await tree.latestCheckpoint();
      const size = await tree.size();
      if (checkpoint && checkpoint.size === size && size > 0) await writeSpendSnapshot(path, { size, root: checkpoint.root, totals: spend.entries() });
    };
    return { rateLimits: await RateLimits.open({ teams: rates }), budgets: b, prices, close };
  }
  const pool = new pg.Pool({ connectionString: config.keyStore.postgresUrl ?? config.audit.postgresUrl, max: 4, options: `-c search_path=${config.keyStore.schema}` });
  pool.on('error', opts.onError);
  try {
    const spend = await PgSpend.open(pool, { pollMs: config.keyStore.pollMs, onError: opts.onError });
    const rateLimits = await RateLimits.open({ teams: rates, pool, onError: (err) => opts.onError(err as Error) });
    return {
      rateLimits,
      budgets: budgetsOf(spend),
      prices,
      close: async () => {
        await spend.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
