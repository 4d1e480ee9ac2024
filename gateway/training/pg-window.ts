// Admission's window across calls (recent-window.ts) in PostgreSQL, for a fleet: every worker and
// replica screens a record after the same recent records and the same evidence, so pieces of one
// restricted answer sent through different workers or replicas, or across a restart, still add up.
// Same bounds as in memory, applied when reading (the newest first, at most maxBytes per context and
// evidenceBytes per output); rows older than maxAgeMs are deleted as records are added.
import type pg from 'pg';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';
import { newestWithin, names, type AdmissionWindow, type Evidence, type WindowContext, type WindowScope } from './recent-window.js';

// One row per scope name of a record (key, project, team, and TOUCHING for the feed's records that touched
// restricted outputs), and one per output it is evidence of: each read is an index scan per name that
// stops after its newest rows, however many other rows the hour holds.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS training_window (
  scope text NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  doc text NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS training_window_seq;
CREATE TABLE IF NOT EXISTS training_evidence (
  decision_id text NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  doc text NOT NULL
);
CREATE INDEX IF NOT EXISTS training_window_scope ON training_window (scope, seq DESC);
CREATE INDEX IF NOT EXISTS training_evidence_output ON training_evidence (decision_id, seq DESC);
CREATE INDEX IF NOT EXISTS training_window_at ON training_window (at);
CREATE INDEX IF NOT EXISTS training_evidence_at ON training_evidence (at)`;

const TOUCHING = '*touching*';
const LOCK_KEY = 0x7467_7769; // "tgwi": replicas starting together create the tables one at a time

// Rows read per name at most: more than maxBytes of short documents could hold.
const ROWS = 256;
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

/** Each record once (a record is listed under each of its scope names). */
function unique(rows: Array<{ seq: string; doc: string }>): Array<{ seq: number; doc: string }> {
  return [...new Map(rows.map((r) => [Number(r.seq), { seq: Number(r.seq), doc: r.doc }])).values()];
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
      const { rows } = await this.pool.query<{ seq: string; doc: string }>(
        `SELECT e.seq, e.doc FROM unnest($1::text[]) AS o(id), LATERAL (
           SELECT seq, doc, sum(length(doc)) OVER (ORDER BY seq DESC) AS upto FROM (
             SELECT seq, doc FROM training_evidence WHERE decision_id = o.id AND at >= now() - $2::interval ORDER BY seq DESC LIMIT ${ROWS}
           ) newest
         ) e WHERE e.upto <= $3 OR e.upto = length(e.doc)`,
        [touched, age, this.evidenceBytes],
      );
      return { docs: newestWithin(unique(rows), this.maxBytes), evidence: true };
    }
    const { rows } = await this.pool.query<{ seq: string; doc: string }>(
      `SELECT w.seq, w.doc FROM unnest($1::text[]) AS s(name), LATERAL (
         SELECT seq, doc FROM training_window WHERE scope = s.name AND at >= now() - $2::interval ORDER BY seq DESC LIMIT ${ROWS}
       ) w`,
      [[...names(scope), TOUCHING], age],
    );
    return { docs: newestWithin(unique(rows), this.maxBytes), evidence: false };
  }

  async add(scope: WindowScope, doc: string, evidence?: Evidence): Promise<void> {
    const touched = evidence?.touched ?? [];
    const scopes = touched.length > 0 ? [...names(scope), TOUCHING] : names(scope);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string }>("SELECT nextval('training_window_seq') AS seq");
      await client.query('INSERT INTO training_window (scope, seq, doc) SELECT unnest($1::text[]), $2, $3', [scopes, rows[0].seq, doc.slice(-this.maxBytes)]);
      if (touched.length > 0) {
        await client.query('INSERT INTO training_evidence (decision_id, seq, doc) SELECT unnest($1::text[]), $2, $3', [touched, rows[0].seq, evidence!.text.slice(-this.evidenceBytes)]);
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
