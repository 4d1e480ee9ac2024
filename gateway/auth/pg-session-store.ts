// Sessions of a fleet, in the key store's PostgreSQL: every replica reads them, so no sticky sessions,
// and the cookie secret is one row every replica shares (the first replica to start writes it).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { openSchemaPool } from '../core/pg-schema-pool.js';
import type { ControlActor } from './control-plane-auth.js';
import { newSessionId, sessionKey, type SessionStore } from './sessions.js';

export const SESSION_TABLES_LOCK = 0x7467_7365; // "tgse": replicas starting together create the tables one at a time

export const SESSION_TABLES = `
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash text PRIMARY KEY,
  actor jsonb NOT NULL,
  expires timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS gateway_secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL
)`;

export async function openPgSessionStore(opts: { connectionString: string; schema: string; onError: (err: Error) => void }): Promise<SessionStore> {
  // CREATE TABLE IF NOT EXISTS is not safe against itself: two replicas starting together can both pass
  // the check and one fails on the table's row type, so the tables are created under an advisory lock.
  const pool = await openSchemaPool({ url: opts.connectionString, schema: opts.schema, max: 2, onError: opts.onError, lockKey: SESSION_TABLES_LOCK, ddl: SESSION_TABLES });
  try {
    await pool.query(`INSERT INTO gateway_secrets (name, value) VALUES ('console-session', $1) ON CONFLICT (name) DO NOTHING`, [randomBytes(32)]);
    const { rows } = await pool.query<{ value: Buffer }>(`SELECT value FROM gateway_secrets WHERE name = 'console-session'`);
    return new PgSessionStore(pool, rows[0].value);
  } catch (err) {
    await pool.end();
    throw err;
  }
}

class PgSessionStore implements SessionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly secretValue: Buffer,
  ) {}

  async create(actor: ControlActor, ttlMs: number, now = Date.now()): Promise<string> {
    const id = newSessionId();
    await this.pool.query('DELETE FROM console_sessions WHERE expires <= $1', [new Date(now)]);
    await this.pool.query('INSERT INTO console_sessions (id_hash, actor, expires) VALUES ($1, $2, $3)', [sessionKey(id), JSON.stringify(actor), new Date(now + ttlMs)]);
    return id;
  }

  async get(id: string | undefined, now = Date.now()): Promise<ControlActor | null> {
    if (!id) return null;
    const { rows } = await this.pool.query<{ actor: ControlActor }>('SELECT actor FROM console_sessions WHERE id_hash = $1 AND expires > $2', [sessionKey(id), new Date(now)]);
    return rows[0]?.actor ?? null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (id) await this.pool.query('DELETE FROM console_sessions WHERE id_hash = $1', [sessionKey(id)]);
  }

  async secret(): Promise<Buffer> {
    return this.secretValue;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
