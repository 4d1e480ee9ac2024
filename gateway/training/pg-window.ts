// Admission's window across calls (recent-window.ts) in PostgreSQL, for a fleet: every worker and
// replica screens a record after the same recent records and the same evidence, so pieces of one
// restricted answer sent through different workers or replicas, or across a restart, still add up.
// Same bounds as in memory, applied when reading (the newest first, at most maxBytes per context and
// evidenceBytes per output); rows older than maxAgeMs are deleted as records are added.
import type pg from 'pg';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';
import { newestWithin, names, type AdmissionWindow, type Evidence, type WindowContext, type WindowScope } from './recent-window.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS training_window (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  scopes text[] NOT NULL,
  touching boolean NOT NULL,
  doc text NOT NULL
);
CREATE TABLE IF NOT EXISTS training_evidence (
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  decision_id text NOT NULL,
  doc text NOT NULL
);
CREATE INDEX IF NOT EXISTS training_evidence_output ON training_evidence (decision_id, seq DESC);
CREATE INDEX IF NOT EXISTS training_window_at ON training_window (at);
CREATE INDEX IF NOT EXISTS training_evidence_at ON training_evidence (at)`;

const LOCK_KEY = 0x7467_7769; // "tgwi": replicas starting together create the tables one at a time

// Rows read per context at most: more than maxBytes of the shortest documents could hold.
const ROWS = 512;
// Old rows are deleted once every this many additions (one statement per table).
const PRUNE_EVERY = 64;

export interface PgWindowOptions {
  maxBytes?: number;
  evidenceBytes?: number;
  maxAgeMs?: number;
}

export async function openPgWindow(pool: pg.Pool, opts: PgWindowOptions = {}): Promise<AdmissionWindow> {
  await underAdvisoryLock(pool, LOCK_KEY, (client) => client.query(SCHEMA));
  return new PgWindow(pool, opts.maxBytes ?? 4 * 1024, opts.evidenceBytes ?? 4 * 1024, opts.maxAgeMs ?? 60 * 60 * 1000);
}

class PgWindow implements AdmissionWindow {
  #added = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxBytes: number,
    private readonly evidenceBytes: number,
    private readonly maxAgeMs: number,
  ) {}

  async context(scope: WindowScope, touched: readonly string[] = []): Promise<WindowContext> {
    const age = `${this.maxAgeMs} milliseconds`;
    if (touched.length > 0) {
      // Each output's newest evidence within evidenceBytes, as in memory; then the newest of all within maxBytes.
      const { rows } = await this.pool.query<{ seq: string; decision_id: string; doc: string }>(
        `SELECT seq, decision_id, doc FROM (
           SELECT seq, decision_id, doc, sum(length(doc)) OVER (PARTITION BY decision_id ORDER BY seq DESC) AS upto
           FROM training_evidence WHERE decision_id = ANY($1) AND at >= now() - $2::interval
         ) e WHERE upto <= $3 OR upto = length(doc) ORDER BY seq DESC LIMIT ${ROWS}`,
        [touched, age, this.evidenceBytes],
      );
      const bySeq = new Map(rows.map((r) => [Number(r.seq), { seq: Number(r.seq), doc: r.doc }]));
      return { docs: newestWithin([...bySeq.values()], this.maxBytes), evidence: true };
    }
    const { rows } = await this.pool.query<{ seq: string; doc: string }>(
      `SELECT seq, doc FROM training_window WHERE (scopes && $1 OR touching) AND at >= now() - $2::interval ORDER BY seq DESC LIMIT ${ROWS}`,
      [names(scope), age],
    );
    return { docs: newestWithin(rows.map((r) => ({ seq: Number(r.seq), doc: r.doc })), this.maxBytes), evidence: false };
  }

  async add(scope: WindowScope, doc: string, evidence?: Evidence): Promise<void> {
    const touched = evidence?.touched ?? [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string }>('INSERT INTO training_window (scopes, touching, doc) VALUES ($1, $2, $3) RETURNING seq', [names(scope), touched.length > 0, doc.slice(-this.maxBytes)]);
      if (touched.length > 0) {
        await client.query('INSERT INTO training_evidence (seq, decision_id, doc) SELECT $1, unnest($2::text[]), $3', [rows[0].seq, touched, evidence!.text.slice(-this.evidenceBytes)]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    if (++this.#added % PRUNE_EVERY === 0) {
      const age = `${this.maxAgeMs} milliseconds`;
      await this.pool.query('DELETE FROM training_window WHERE at < now() - $1::interval', [age]);
      await this.pool.query('DELETE FROM training_evidence WHERE at < now() - $1::interval', [age]);
    }
  }
}
