// The meaning index of a fleet in PostgreSQL: one row per restricted output (its semantic-record.ts
// frame: decision, licence, 8-bit windows; bytea, since Debian 12's PostgreSQL has no pgvector).
// Rows are numbered under a transaction-scoped advisory lock, so commit order is number order and a
// follower that has read up to N never later sees a smaller number appear (as pg-backend.ts does).
import pg from 'pg';
import { underAdvisoryLock } from '../../core/pg-advisory-lock.js';
import { openSchemaPool } from '../../core/pg-schema-pool.js';

const LOCK_KEY = 0x7467_6d69; // "tgmi": serialises meaning appends across replicas

const SCHEMA = `
CREATE TABLE IF NOT EXISTS provenance_meaning (
  seq bigint PRIMARY KEY,
  output bytea NOT NULL -- semantic/semantic-record.ts frame
)`;

export interface MeaningRow {
  seq: number;
  output: Buffer;
}

export class MeaningRows {
  private constructor(readonly pool: pg.Pool) {}

  static async open(url: string, schema: string): Promise<MeaningRows> {
    return new MeaningRows(await openSchemaPool({ url, schema, max: 2, lockKey: LOCK_KEY, ddl: SCHEMA }));
  }

  /** Appends one row per encoded output, numbered after every row committed before. */
  async insert(outputs: Buffer[]): Promise<void> {
    if (outputs.length === 0) return;
    await underAdvisoryLock(this.pool, LOCK_KEY, async (client) => {
      const { rows } = await client.query<{ last: string }>('SELECT coalesce(max(seq), 0) AS last FROM provenance_meaning');
      const first = Number(rows[0].last) + 1;
      await client.query('INSERT INTO provenance_meaning (seq, output) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [outputs.map((_, i) => first + i), outputs]);
    });
  }

  /** Up to `limit` rows numbered after `seq`, in order. */
  async after(seq: number, limit: number): Promise<MeaningRow[]> {
    const { rows } = await this.pool.query<{ seq: string; output: Buffer }>('SELECT seq, output FROM provenance_meaning WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), output: r.output }));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
