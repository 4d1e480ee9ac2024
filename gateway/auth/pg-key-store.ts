// The key store of a fleet: one PostgreSQL table every replica reads. Each replica holds all keys in
// memory and polls for changes (a revocation reaches every replica within one poll interval); a hash it
// does not know triggers one refresh at once, so a key created on one replica works on the others
// straight away. Concurrent misses share one refresh, so unknown keys cost at most one query in flight.
import pg from 'pg';
import type { StoredKey } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';

const LOCK_KEY = 0x7467_6b79; // "tgky": serialises key writes, so versions commit in order

const SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS virtual_keys_version;
CREATE TABLE IF NOT EXISTS virtual_keys (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  key jsonb NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS virtual_keys_by_version ON virtual_keys (version)`;

export interface PgKeyStoreOptions {
  connectionString: string;
  /** The PostgreSQL schema of the table (tests use their own). */
  schema?: string;
  /** How often each replica looks for changes made elsewhere. */
  pollMs?: number;
  onError?: (err: Error) => void;
}

export async function openPgKeyStore(opts: PgKeyStoreOptions): Promise<PgKeyStore> {
  const schema = opts.schema ?? 'public';
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 3, options: `-c search_path=${schema}` });
  // An idle connection's failure (a restart of PostgreSQL) is reported, not thrown out of the process.
  pool.on('error', (err) => opts.onError?.(err));
  try {
    await locked(pool, async (c) => {
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
      await c.query(SCHEMA);
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  const store = new PgKeyStore(pool, opts.onError ?? (() => {}));
  await store.refresh();
  store.poll(opts.pollMs ?? 1000);
  return store;
}

/** Runs `work` in a transaction holding the key store's advisory lock. */
const locked = <T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> => underAdvisoryLock(pool, LOCK_KEY, work);

export class PgKeyStore implements KeyStore {
  readonly #byId = new Map<string, StoredKey>();
  readonly #byHash = new Map<string, StoredKey>();
  #version = 0;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (err: Error) => void,
  ) {}

  byHash(hash: string): StoredKey | null | Promise<StoredKey | null> {
    const known = this.#byHash.get(hash);
    if (known) return known;
    return this.refresh().then(() => this.#byHash.get(hash) ?? null);
  }

  known(id: string): StoredKey | null {
    return this.#byId.get(id) ?? null;
  }

  async get(id: string): Promise<StoredKey | null> {
    await this.refresh();
    return this.#byId.get(id) ?? null;
  }

  async list(): Promise<StoredKey[]> {
    await this.refresh();
    return [...this.#byId.values()];
  }

  async create(key: StoredKey): Promise<boolean> {
    const created = await locked(this.pool, async (c) => {
      const { rowCount } = await c.query(
        `INSERT INTO virtual_keys (id, hash, key, version) VALUES ($1, $2, $3, nextval('virtual_keys_version')) ON CONFLICT (id) DO NOTHING`,
        [key.id, key.hash, JSON.stringify(key)],
      );
      return rowCount === 1;
    });
    await this.refresh();
    return created;
  }

  revoke(id: string, at: string): Promise<StoredKey | null> {
    return this.#change(id, (k) => (k.revokedAt === null ? { ...k, revokedAt: at } : k));
  }

  rotate(id: string, hash: string, at: string): Promise<StoredKey | null> {
    return this.#change(id, (k) => (k.revokedAt === null ? { ...k, hash, rotatedAt: at } : null));
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
    await this.#queued?.catch(() => undefined);
    await this.pool.end();
  }

  /** Brings the cache up to the table; concurrent callers share one query (and at most one queued after it). */
  refresh(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#load().finally(() => (this.#running = null));
      return this.#running;
    }
    // A refresh already under way may have started before the change the caller is looking for.
    this.#queued ??= this.#running.catch(() => undefined).then(() => {
      this.#queued = null;
      return this.refresh();
    });
    return this.#queued;
  }

  poll(ms: number): void {
    this.#timer = setInterval(() => this.refresh().catch((err: Error) => this.onError(err)), ms);
    this.#timer.unref();
  }

  async #load(): Promise<void> {
    const { rows } = await this.pool.query<{ key: StoredKey; version: string }>('SELECT key, version FROM virtual_keys WHERE version > $1 ORDER BY version', [this.#version]);
    for (const r of rows) {
      const old = this.#byId.get(r.key.id);
      if (old) this.#byHash.delete(old.hash);
      this.#byId.set(r.key.id, r.key);
      this.#byHash.set(r.key.hash, r.key);
      this.#version = Number(r.version);
    }
  }

  /** Changes one key under the lock; `edit` returns null to refuse (nothing written). */
  async #change(id: string, edit: (k: StoredKey) => StoredKey | null): Promise<StoredKey | null> {
    const result = await locked(this.pool, async (c) => {
      const { rows } = await c.query<{ key: StoredKey }>('SELECT key FROM virtual_keys WHERE id = $1 FOR UPDATE', [id]);
      if (rows.length === 0) return null;
      const next = edit(rows[0].key);
      if (next === null || next === rows[0].key) return next;
      await c.query(`UPDATE virtual_keys SET hash = $2, key = $3, version = nextval('virtual_keys_version') WHERE id = $1`, [id, next.hash, JSON.stringify(next)]);
      return next;
    });
    await this.refresh();
    return result;
  }
}
