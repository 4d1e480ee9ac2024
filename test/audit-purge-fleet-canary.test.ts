// `termsgate audit purge-content --postgres-url` (a fleet's retention) as an operator or an insider would
// call it: the database password never appears in what the CLI prints, even when it fails, and a schema
// name that is not an identifier is refused before anything reaches SQL. Needs the PostgreSQL of
// scripts/setup-services.sh (or TERMSGATE_TEST_PG) and the build (dist/).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cliMain } from './support/gateway-process.js';
import { PG_URL } from './support/pg-fleet.js';

const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-purge-fleet-'));
const purge = (...args: string[]) => spawnSync(process.execPath, [cliMain, 'audit', 'purge-content', '--older-than', '2026-01-01T00:00:00Z', '--data-dir', dataDir, ...args], { encoding: 'utf8' });

t.test('a wrong password fails with the reason and without the password', async (t) => {
  const canary = `CANARY${randomBytes(8).toString('hex')}`;
  const url = new URL(PG_URL);
  url.password = canary;
  const r = purge('--postgres-url', url.href);
  t.not(r.status, 0, 'the purge fails');
  t.match(r.stderr, /password authentication failed/);
  t.notOk(`${r.stdout}${r.stderr}`.includes(canary), 'the password is in no output');
});

t.test('a schema name that is not an identifier is refused before it reaches SQL', async (t) => {
  for (const flag of ['--postgres-schema', '--index-schema']) {
    const r = purge('--postgres-url', PG_URL, flag, 'public;drop table x');
    t.equal(r.status, 2, `${flag}: a usage error`);
    t.match(r.stderr, new RegExp(`${flag} must match`));
  }
});

t.test('on a fresh schema it purges nothing and says so for content, the index and the meaning rows', async (t) => {
  const schema = `tg_purge_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  t.teardown(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const r = purge('--postgres-url', PG_URL, '--postgres-schema', schema);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /purged 0 content items stored before 2026-01-01T00:00:00.000Z from the PostgreSQL log/);
  t.match(r.stdout, /purged 0 outputs served before 2026-01-01T00:00:00.000Z from the fleet's fingerprint index/);
  t.match(r.stdout, /purged 0 outputs served before 2026-01-01T00:00:00.000Z from the fleet's meaning rows/);
});
