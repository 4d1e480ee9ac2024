// The fingerprint index of a fleet: every replica inserts the outputs it serves as rows in PostgreSQL,
// numbered under a transaction-scoped advisory lock (commit order = number order, so a follower that has
// read up to N never later sees a smaller number appear), and each replica's local LMDB follows the rows.
// Lookups stay local and synchronous (detection is synchronous, thousands of lookups per scanned record:
// a round trip each would cost milliseconds), so an output served by one replica is traced on any other
// once followed (every `followMs`, and at once after each own write). Retention deletes the rows and
// records the cutoff, which every follower applies to its copy. A replica that cannot follow (the
// database unreachable for several periods) is stale, and so is a gap any replica recorded
// (gap-rows.ts): the provenance stage refuses admission for either, rather than vouch from a copy that
// lacks what others served.
import pg from 'pg';
import type { BackendOutput, IndexBackend } from '../index-backend.js';
import { LmdbBackend } from '../lmdb/lmdb-backend.js';
import { underAdvisoryLock } from '../../../core/pg-advisory-lock.js';
import { openSchemaPool, schemaPool } from '../../../core/pg-schema-pool.js';
import { decodeOutput, type FingerprintKind } from '../stored-output.js';
import { readCutoff, recordCutoff, RETENTION_TABLE } from './retention-row.js';
import { GAP_TABLE, recordGapRow, standingGapRow } from './gap-rows.js';
import type { IndexGap } from '../../index-gap.js';

const LOCK_KEY = 0x7467_6669; // "tgfi": serialises index appends across replicas
const PAGE = 2000;
/** Outputs not yet committed are numbered from here by the store; rows are numbered from 1. */
export const UNCOMMITTED_BASE = 0x8000_0000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS provenance_outputs (
  seq bigint PRIMARY KEY,
  served_at timestamptz NOT NULL,
  output bytea NOT NULL -- index/stored-output.ts encoding
);
CREATE INDEX IF NOT EXISTS provenance_outputs_served_at ON provenance_outputs (served_at);
${RETENTION_TABLE};
${GAP_TABLE}`;

export interface PgIndexOptions {
  url: string;
  /** Of the index tables. */
  schema: string;
  /** This replica's local copy (an LMDB directory). */
  path: string;
  followMs?: number;
}

export async function openPgIndexBackend(options: PgIndexOptions): Promise<PgIndexBackend> {
  const pool = await openSchemaPool({ url: options.url, schema: options.schema, max: 2, lockKey: LOCK_KEY, ddl: SCHEMA });
  const backend = new PgIndexBackend(pool, new LmdbBackend({ path: options.path }), options.followMs ?? 1000);
  await backend.follow();
  return backend;
}

/** Deletes the rows of outputs served before the cutoff and records the cutoff, which every follower applies to its copy. */
async function purgeRows(pool: pg.Pool, cutoffMs: number): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM provenance_outputs WHERE served_at < $1', [new Date(cutoffMs)]);
  await recordCutoff(pool, cutoffMs);
  return rowCount ?? 0;
}

/** Retention for a fleet's index from outside the gateway (`termsgate audit purge-content --postgres-url`): no local copy is opened. */
export async function purgeFleetIndex(url: string, schema: string, cutoff: Date): Promise<number> {
  const pool = schemaPool({ url, schema, max: 1 });
  try {
    const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('provenance_outputs') IS NOT NULL AS present");
    return rows[0].present ? await purgeRows(pool, cutoff.getTime()) : 0;
  } finally {
    await pool.end();
  }
}

export class PgIndexBackend implements IndexBackend {
  readonly #pool: pg.Pool;
  readonly #local: LmdbBackend;
  readonly #timer: NodeJS.Timeout;
  #following: Promise<void> = Promise.resolve();
  #retention = 0;
  #lastSuccess = Date.now();
  #lastError: string | null = null;
  readonly #staleMs: number;
  /** The oldest gap any replica recorded that retention has not forgotten, as last read. */
  #gap: IndexGap | null = null;

  constructor(pool: pg.Pool, local: LmdbBackend, followMs: number) {
    this.#pool = pool;
    this.#local = local;
    // Several missed polls in a row, not one slow one, mean the replica no longer sees the fleet.
    this.#staleMs = Math.max(5 * followMs, 5_000);
    this.#timer = setInterval(() => void this.follow().catch(() => undefined), followMs).unref();
  }

  /** Why this replica's copy may lack what others served (no successful follow for several periods), or null. */
  get stale(): string | null {
    const since = Date.now() - this.#lastSuccess;
    return since <= this.#staleMs ? null : `the fleet's fingerprint rows could not be followed for ${Math.round(since / 1000)} s (${this.#lastError ?? 'no answer'})`;
  }

  /** A gap of any replica's that admission must refuse for, or null. */
  get gap(): IndexGap | null {
    return this.#gap;
  }

  /** Records this replica's gap, or its end, for every replica. */
  recordGap(gap: IndexGap): Promise<void> {
    return recordGapRow(this.#pool, 'words', gap);
  }

  nextDoc(): number {
    return UNCOMMITTED_BASE;
  }

  count(): number {
    return this.#local.count();
  }

  postings(kind: FingerprintKind, hash: number, out: number[], limit: number): void {
    this.#local.postings(kind, hash, out, limit);
  }

  output(doc: number): Uint8Array | undefined {
    return this.#local.output(doc);
  }

  docOfRef(ref: Uint8Array): number {
    return this.#local.docOfRef(ref);
  }

  /** Inserts the batch as rows, then follows (so this replica's own outputs are local when it resolves). */
  async write(batch: BackendOutput[]): Promise<void> {
    await underAdvisoryLock(this.#pool, LOCK_KEY, async (client) => {
      const { rows } = await client.query<{ last: string }>('SELECT coalesce(max(seq), 0) AS last FROM provenance_outputs');
      const first = Number(rows[0].last) + 1;
      await client.query('INSERT INTO provenance_outputs (seq, served_at, output) SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::bytea[])', [
        batch.map((_, i) => first + i),
        batch.map((o) => new Date(decodeOutput(o.encoded)!.time)),
        batch.map((o) => o.encoded),
      ]);
    });
    await this.follow();
  }

  /** Copies the rows this replica has not seen into its LMDB, and applies a newer retention cutoff; one run at a time. */
  follow(): Promise<void> {
    // After a failed run too: a blip of the database must not stop this replica following for good.
    const run = this.#following.then(
      () => this.#catchUp(),
      () => this.#catchUp(),
    );
    this.#following = run;
    return run;
  }

  async purgeBefore(cutoffMs: number): Promise<number> {
    const purged = await purgeRows(this.#pool, cutoffMs);
    await this.follow();
    return purged;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#following.catch(() => undefined);
    await this.#pool.end();
    await this.#local.close();
  }

  async #catchUp(): Promise<void> {
    try {
      await this.#copyRows();
      this.#lastSuccess = Date.now();
      this.#lastError = null;
    } catch (err) {
      this.#lastError = (err as Error).message;
      throw err;
    }
  }

  async #copyRows(): Promise<void> {
    for (;;) {
      const after = this.#local.nextDoc();
      const { rows } = await this.#pool.query<{ seq: string; output: Buffer }>('SELECT seq, output FROM provenance_outputs WHERE seq >= $1 ORDER BY seq LIMIT $2', [Math.max(after, 1), PAGE]);
      const batch = rows.flatMap((r) => {
        const facts = decodeOutput(r.output);
        return facts ? [{ doc: Number(r.seq), ref: facts.record.ref, encoded: r.output, words: facts.words.hashes, loose: facts.loose.hashes }] : [];
      });
      if (batch.length > 0) await this.#local.write(batch);
      // A long catch-up is progress, not staleness.
      this.#lastSuccess = Date.now();
      if (rows.length < PAGE) break;
    }
    const cutoff = await readCutoff(this.#pool);
    if (cutoff > this.#retention) {
      await this.#local.purgeBefore(cutoff);
      this.#retention = cutoff;
    }
    this.#gap = await standingGapRow(this.#pool, 'words', this.#retention);
  }
}
