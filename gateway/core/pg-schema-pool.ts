// A PostgreSQL pool on one schema for a fleet store, its schema and tables created once when replicas
// start together. node-postgres emits 'error' on the pool when an idle connection drops (a database
// restart or failover); with no listener that event would end the gateway, so every pool reports it
// and the store's next query fails and is retried as its own failure.
import pg from 'pg';
import { underAdvisoryLock } from './pg-advisory-lock.js';

export interface SchemaPoolOptions {
  url: string;
  schema: string;
  max: number;
  /** Where a dropped idle connection is reported; ignored when absent (the next query reports it). */
  onError?: (err: Error) => void;
}

export function schemaPool(opts: SchemaPoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.url, options: `-c search_path=${opts.schema}`, max: opts.max });
  pool.on('error', (err) => opts.onError?.(err));
  return pool;
}

/** The pool, once `ddl` has run under the advisory lock `lockKey` in a schema created if missing; ended on failure. */
export async function openSchemaPool(opts: SchemaPoolOptions & { lockKey: number; ddl: string }): Promise<pg.Pool> {
  const pool = schemaPool(opts);
  try {
    await underAdvisoryLock(pool, opts.lockKey, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
      await client.query(opts.ddl);
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}
