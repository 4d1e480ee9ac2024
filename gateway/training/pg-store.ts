// PostgreSQL-backed feed store for several gateway replicas. Sequence numbers are assigned under a
// transaction-scoped advisory lock, so commit order equals seq order across replicas and a reader
// resuming after seq N can never later see a smaller seq appear (a gap that bigserial would allow).
import pg from 'pg';
import type { FeedRecord, Permit } from './permit.js';
import type { FeedStore, SignedRecord } from './feed-store.js';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';

const LOCK_KEY = 0x7467_6665; // "tgfe": serialises feed appends across replicas

const SCHEMA = `
CREATE TABLE IF NOT EXISTS training_feed (
  seq bigint PRIMARY KEY,
  id text NOT NULL,
  permit jsonb NOT NULL,
  example text NOT NULL, -- the canonical JSON as signed; jsonb would not keep its bytes
  created_at timestamptz NOT NULL DEFAULT now()
)`;

export async function openPgFeedStore(opts: { connectionString: string } | { pool: pg.Pool }): Promise<FeedStore> {
  const owned = 'connectionString' in opts;
  const pool = owned ? new pg.Pool({ connectionString: opts.connectionString, max: 4 }) : opts.pool;
  // A dropped idle connection surfaces as the next query's failure, never as an unheard 'error' that ends the process.
  if (owned) pool.on('error', () => undefined);
  // Creation races between replicas starting together; the lock makes it one at a time.
  await underAdvisoryLock(pool, LOCK_KEY, (client) => client.query(SCHEMA));
  return new PgFeedStore(pool, owned);
}

class PgFeedStore implements FeedStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly owned: boolean,
  ) {}

  append(batch: SignedRecord[]): Promise<number> {
    return underAdvisoryLock(this.pool, LOCK_KEY, async (client) => {
      const { rows } = await client.query<{ last: string }>('SELECT coalesce(max(seq), 0) AS last FROM training_feed');
      const first = Number(rows[0].last) + 1;
      await client.query(
        `INSERT INTO training_feed (seq, id, permit, example)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::text[])`,
        [batch.map((_, i) => first + i), batch.map((r) => r.id), batch.map((r) => JSON.stringify(r.permit)), batch.map((r) => r.exampleJson)],
      );
      return first + batch.length - 1;
    });
  }

  async read(afterSeq: number, limit: number): Promise<FeedRecord[]> {
    const { rows } = await this.pool.query<{ seq: string; id: string; permit: Permit; example: string }>(
      'SELECT seq, id, permit, example FROM training_feed WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    );
    return rows.map((r) => ({ id: r.id, seq: Number(r.seq), permit: r.permit, example: JSON.parse(r.example) }));
  }

  async lastSeq(): Promise<number> {
    const { rows } = await this.pool.query<{ last: string }>('SELECT coalesce(max(seq), 0) AS last FROM training_feed');
    return Number(rows[0].last);
  }

  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }
}
