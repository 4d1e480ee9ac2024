// `termsgate start --workers 2` on the file stores is refused at start with a message naming the
// PostgreSQL stores, and exits (the demo's mock provider closed). Through the built CLI (`npx tsc` first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { main } from './support/worker-fleet.js';

const dir = mkdtempSync(join(tmpdir(), 'termsgate-workers-refused-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const start = (args: string[]) => spawnSync(process.execPath, [main, 'start', '--data-dir', join(dir, 'data'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OTEL_SDK_DISABLED: 'true' } });

t.test('the demo (file stores) with --workers 2', async (t) => {
  const r = start(['--demo', '--workers', '2', '--port', '0']);
  t.equal(r.status, 1, 'exits 1, not left running');
  t.match(r.stderr, /invalid configuration: audit\.backend: server\.workers 2 needs audit\.backend postgres: the file audit log has exactly one writer.*audit\.postgresUrl/);
});

t.test('a configuration with the PostgreSQL log but the file key store', async (t) => {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'server: { workers: 2, port: 0 }',
      'audit: { backend: postgres, postgresUrl: "postgres://u:p@127.0.0.1:1/db" }',
      'keyStore: { backend: file }',
      'providers: { openai: { kind: openai, baseUrl: "https://api.openai.com/v1", apiKeyEnv: OPENAI_API_KEY } }',
      'models: { gpt-4o-mini: { provider: openai, upstreamModel: gpt-4o-mini, licence: openai-services-agreement } }',
    ].join('\n'),
  );
  const r = start(['--config', file]);
  t.equal(r.status, 1);
  t.match(r.stderr, /keyStore\.backend: server\.workers 2 needs keyStore\.backend postgres/);
});
