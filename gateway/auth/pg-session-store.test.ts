// The fleet's session store against the real database: replicas that start together on a schema nobody
// has used create its tables once, under an advisory lock (CI once saw `type "console_sessions" already
// exists` when two ran CREATE TABLE IF NOT EXISTS at the same moment: a window of microseconds between
// PostgreSQL's two catalog checks, which no test here can hit on demand), share one cookie secret, and
// read each other's sessions.
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { ControlActor } from './control-plane-auth.js';
import { openPgSessionStore, SESSION_TABLES, SESSION_TABLES_LOCK } from './pg-session-store.js';

const url = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const ada: ControlActor = { type: 'oidc', id: 'ada', email: 'ada@example.com', role: 'policy-editor' };
const ROUNDS = 20;
const admin = new pg.Pool({ connectionString: url, max: 1 });
t.teardown(() => admin.end());

t.test('eight replicas opening a fresh schema at once, twenty times over: every one opens, one secret, shared sessions', async (t) => {
  for (let round = 0; round < ROUNDS; round++) {
    const schema = 'tg_sessions_test_' + randomBytes(4).toString('hex');
    // The key store, opened first, makes the schema; what races is the sessions' own tables.
    await admin.query(`CREATE SCHEMA ${schema}`);
    const errors: Error[] = [];
    const opened = await Promise.allSettled(Array.from({ length: 8 }, () => openPgSessionStore({ connectionString: url, schema, onError: (err) => errors.push(err) })));
    const stores = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      t.same(
        opened.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : [])),
        [],
        `round ${round}: no replica failed to open`,
      );
      const secrets = new Set(await Promise.all(stores.map(async (s) => (await s.secret()).toString('hex'))));
      t.equal(secrets.size, 1, 'one cookie secret for the fleet');
      const id = await stores[0].create(ada, 60_000);
      t.same(await stores[7].get(id), ada, 'a session made on one replica is read on another');
      await stores[3].delete(id);
      t.equal(await stores[0].get(id), null, 'and signed out on all when deleted on one');
      t.same(errors, [], 'no pool error reported');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }
});

t.test('a replica that opens while another is creating the tables (its transaction not yet committed) waits for it, then opens', async (t) => {
  const schema = 'tg_sessions_test_' + randomBytes(4).toString('hex');
  await admin.query(`CREATE SCHEMA ${schema}`);
  const other = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await other.connect();
  t.teardown(async () => {
    await other.end();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  await other.query('BEGIN');
  await other.query('SELECT pg_advisory_xact_lock($1)', [SESSION_TABLES_LOCK]);
  await other.query(SESSION_TABLES);
  const opening = openPgSessionStore({ connectionString: url, schema, onError: () => undefined });
  let settled = false;
  void opening.then(() => (settled = true), () => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.notOk(settled, 'still waiting while the other replica holds the lock');
  await other.query('COMMIT');
  const store = await opening;
  t.equal((await store.secret()).length, 32, 'opened on the tables the other replica made');
  await store.close();
});
