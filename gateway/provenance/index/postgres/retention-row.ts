// A fleet's retention cutoff: one row that `termsgate audit purge-content --postgres-url` moves forward
// and every replica applies to its local copies: of the fingerprint index (pg-backend.ts) and of the
// meaning rows (semantic/meaning-follower.ts). Both live in the index's schema.
import type pg from 'pg';

export const RETENTION_TABLE = 'CREATE TABLE IF NOT EXISTS provenance_retention (id int PRIMARY KEY CHECK (id = 1), cutoff timestamptz NOT NULL)';

/** Records the cutoff; an earlier one never replaces a later one. */
export async function recordCutoff(pool: pg.Pool, cutoffMs: number): Promise<void> {
  await pool.query('INSERT INTO provenance_retention (id, cutoff) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET cutoff = greatest(provenance_retention.cutoff, excluded.cutoff)', [new Date(cutoffMs)]);
}

/** The cutoff in force (ms since the epoch), 0 when none was recorded. */
export async function readCutoff(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ cutoff: Date }>('SELECT cutoff FROM provenance_retention WHERE id = 1');
  return rows[0]?.cutoff.getTime() ?? 0;
}
