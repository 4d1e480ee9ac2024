// A fleet's index gaps (../../index-gap.ts): one row per gap a replica recorded, in the index's schema
// beside the retention row, for the word index and the meaning index alike. Every replica reads them when
// it follows: the outputs one replica could not index never reached the others either.
import type pg from 'pg';
import { gapForgotten, type IndexGap } from '../../index-gap.js';

export const GAP_TABLE = 'CREATE TABLE IF NOT EXISTS provenance_gap (id text PRIMARY KEY, index_kind text NOT NULL, since timestamptz NOT NULL, until timestamptz, reason text NOT NULL)';

export type GapIndex = 'words' | 'meaning';

/** Records a replica's gap, or its end. */
export async function recordGapRow(pool: pg.Pool, index: GapIndex, gap: IndexGap): Promise<void> {
  await pool.query(
    'INSERT INTO provenance_gap (id, index_kind, since, until, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET until = excluded.until',
    [gap.id, index, new Date(gap.since), gap.until === null ? null : new Date(gap.until), gap.reason],
  );
}

/** The oldest gap any replica recorded over one index that retention (forgetting what was served before `forgottenBefore`) has not forgotten, or null. */
export async function standingGapRow(pool: pg.Pool, index: GapIndex, forgottenBefore: number): Promise<IndexGap | null> {
  const { rows } = await pool.query<{ id: string; since: Date; until: Date | null; reason: string }>('SELECT id, since, until, reason FROM provenance_gap WHERE index_kind = $1 ORDER BY since', [index]);
  const gaps = rows.map((r) => ({ id: r.id, since: r.since.getTime(), until: r.until?.getTime() ?? null, reason: r.reason }));
  return gaps.find((g) => !gapForgotten(g, forgottenBefore)) ?? null;
}
