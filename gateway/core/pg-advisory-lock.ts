// One transaction holding a transaction-scoped PostgreSQL advisory lock: how the fleet stores (keys, the
// training feed, the fingerprint index) create their tables once when replicas start together, and
// number appends so that commit order is sequence order across replicas.
import type pg from 'pg';

/** Runs `work` in a transaction holding the advisory lock `key`; commits its result, rolls back on any error. */
export async function underAdvisoryLock<T>(pool: pg.Pool, key: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [key]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
