// server.workers > 1 is refused, at load and with a clear reason, for every configuration that would keep
// the log, keys or limits in each process.
import t from 'tap';
import { validateConfig } from './load.js';

const pgUrl = 'postgres://u:p@127.0.0.1:5432/db';
const minimal = {
  providers: { openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' } },
  models: { 'gpt-4o-mini': { provider: 'openai', upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' } },
};
const load = (extra: object) => validateConfig({ ...minimal, ...extra }, 'x.yaml');

t.test('one worker by default, on any backend', async (t) => {
  t.equal(load({}).server.workers, 1);
  t.equal(load({ server: { workers: 1 } }).audit.backend, 'file');
});

t.test('the file audit log refuses several workers, naming the PostgreSQL stores', async (t) => {
  t.throws(() => load({ server: { workers: 2 } }), {
    field: 'audit.backend',
    message: /^x\.yaml: audit\.backend: server\.workers 2 needs audit\.backend postgres: the file audit log has exactly one writer.*audit\.postgresUrl/,
  });
});

t.test('a file key store refuses several workers even with the PostgreSQL log', async (t) => {
  t.throws(() => load({ server: { workers: 4 }, audit: { backend: 'postgres', postgresUrl: pgUrl }, keyStore: { backend: 'file' } }), {
    field: 'keyStore.backend',
    reason: /rate limits and spend kept in each process would multiply every limit and budget/,
  });
});

t.test('the PostgreSQL stores run several workers, 1 to 64', async (t) => {
  t.equal(load({ server: { workers: 2 }, audit: { backend: 'postgres', postgresUrl: pgUrl } }).server.workers, 2);
  t.throws(() => load({ server: { workers: 65 } }), { field: 'server.workers' });
  t.throws(() => load({ server: { workers: 0 } }), { field: 'server.workers' });
});

t.test('a fingerprint index in LMDB refuses several workers: their output numbers would mix in one file', async (t) => {
  t.throws(() => load({ server: { workers: 2 }, audit: { backend: 'postgres', postgresUrl: pgUrl }, provenanceIndex: { backend: 'lmdb' } }), {
    field: 'provenanceIndex.backend',
    reason: /several workers writing one LMDB index would mix their numbers/,
  });
  t.equal(load({ server: { workers: 2 }, audit: { backend: 'postgres', postgresUrl: pgUrl }, provenanceIndex: { backend: 'postgres' } }).server.workers, 2);
});
