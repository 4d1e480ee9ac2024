// The meaning index of a fleet in PostgreSQL: one row per restricted output (its semantic-record.ts
// frame: decision, licence, 8-bit windows; bytea, since Debian 12's PostgreSQL has no pgvector).
// Rows are numbered under a transaction-scoped advisory lock, so commit order is number order and a
// follower that has read up to N never later sees a smaller number appear (as pg-backend.ts does).
import pg from 'pg';
import { underAdvisoryLock } from '../../core/pg-advisory-lock.js';
import { openSchemaPool, schemaPool } from '../../core/pg-schema-pool.js';
import { readCutoff, recordCutoff, RETENTION_TABLE } from '../index/postgres/retention-row.js';
import { GAP_TABLE, recordGapRow, standingGapRow } from '../index/postgres/gap-rows.js';
import { encodeOutput, forgottenUnder, HEADER_BYTES, headerOf, PURGED } from './semantic-record.js';
import { forgottenBefore } from './meaning-retention.js';
import type { IndexGap } from '../index-gap.js';

const LOCK_KEY = 0x7467_6d69; // "tgmi": serialises meaning appends across replicas

const SCHEMA = `
CREATE TABLE IF NOT EXISTS provenance_meaning (
  seq bigint PRIMARY KEY,
  output bytea NOT NULL -- semantic/semantic-record.ts frame
);
${RETENTION_TABLE};
${GAP_TABLE}`;

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

  /** Records a replica's gap in the meaning index, or its end (../index-gap.ts). */
  recordGap(gap: IndexGap): Promise<void> {
    return recordGapRow(this.pool, 'meaning', gap);
  }

  /** The oldest gap any replica recorded in the meaning index that retention has not forgotten, or null. */
  standingGap(forgottenBefore: number): Promise<IndexGap | null> {
    return standingGapRow(this.pool, 'meaning', forgottenBefore);
  }

  /** The fleet's retention cutoff (ms; 0 when none), which each replica applies to its local log. */
  cutoff(): Promise<number> {
    return readCutoff(this.pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

const PURGE_PAGE = 5000;

/**
 * Retention for a fleet's meaning rows from outside the gateway (`termsgate audit purge-content
 * --postgres-url`): each row of an output forgotten under the cutoff (forgottenBefore) is replaced by a
 * PURGED record (rows keep their numbers, which followers resume by), and the cutoff is recorded for the
 * replicas' local copies. Returns how many rows were purged.
 */
export async function purgeFleetMeaning(url: string, schema: string, cutoff: Date): Promise<number> {
  const beforeMs = forgottenBefore(cutoff.getTime());
  const pool = schemaPool({ url, schema, max: 1 });
  try {
    const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('provenance_meaning') IS NOT NULL AS present");
    if (!rows[0].present) return 0;
    const tombstone = encodeOutput(PURGED);
    let purged = 0;
    for (let after = 0; ; ) {
      const page = await pool.query<{ seq: string; head: Buffer }>('SELECT seq, substring(output from 1 for $3) AS head FROM provenance_meaning WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PURGE_PAGE, HEADER_BYTES]);
      if (page.rows.length === 0) break;
      const old = page.rows.filter((r) => {
        const header = headerOf(r.head);
        return header !== null && forgottenUnder(header, beforeMs);
      });
      if (old.length > 0) await pool.query('UPDATE provenance_meaning SET output = $2 WHERE seq = ANY($1::bigint[])', [old.map((r) => r.seq), tombstone]);
      purged += old.length;
      after = Number(page.rows[page.rows.length - 1].seq);
    }
    await recordCutoff(pool, cutoff.getTime());
    return purged;
  } finally {
    await pool.end();
  }
}
