// The feed as served by its own route plugin (no request path): what the gateway signs in
// TypeScript, the runner verifies in Python — RFC 8785 bytes and Ed25519 permits agree across languages.
import t from 'tap';
import Fastify from 'fastify';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ControlPlaneAuth } from '../gateway/auth/control-plane-auth.js';
import { ControlTokens } from '../gateway/auth/control-tokens.js';
import { hashSecret } from '../gateway/core/secret-hash.js';
import type { TrainingExample } from '../gateway/core/contracts.js';
import { signingKeysFrom } from '../gateway/signing/keys.js';
import { createTrainingFeed } from '../gateway/training/feed.js';
import { trainingFeedRoutes } from '../gateway/training/feed-routes.js';

const repo = resolve(import.meta.dirname, '..');
const python = join(repo, 'training-runner', '.venv', 'bin', 'python');
const run = promisify(execFile);

// Values whose canonical form is easy to get wrong: exponents, tiny and huge numbers, escapes, astral characters.
function awkward(i: number): TrainingExample {
  return {
    decision_id: `dec_${i}`,
    model: i % 2 ? 'deepseek-r1' : 'qwen2.5-7b-instruct',
    licence: i % 2 ? 'deepseek-r1' : 'qwen2.5-7b-instruct',
    licence_class: 'free',
    attribution: [],
    naming: [],
    duties: [],
    inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] },
    policy_revision: 'sha256:abc',
    messages: [{ role: 'system', content: 'Tab\there, "quotes", back\\slash, \u2028 line sep' }, { role: 'user', content: [{ type: 'text', text: `héllo 🌍 ${i} \u0001` }] }],
    completion: `Ünïcödé answer ${i} — 𝄞`,
    top_logprobs: [
      { token: 'Ün', logprob: -1.5e-7, bytes: [195, 156, 110], top_logprobs: [{ token: 'Ün', logprob: -1.5e-7 }, { token: 'U', logprob: -16.25 }] },
      { token: 'ïc', logprob: -0.1, top_logprobs: [{ token: 'ïc', logprob: 1e21 }, { token: 'x', logprob: -0.30000000000000004 }] },
      { token: 'ödé', logprob: -1e-300, top_logprobs: [] },
    ],
    time: '2026-11-28T17:00:00.000Z',
  };
}

t.test('records signed by the TypeScript feed verify in the Python runner', async (t) => {
  t.ok(existsSync(python), 'training-runner/.venv exists (scripts/setup-python.sh)');
  const work = await mkdtemp(join(tmpdir(), 'tg-runner-feed-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
  const feed = await createTrainingFeed({ dataDir: join(work, 'gw'), keys });
  const ids = Array.from({ length: 12 }, (_, i) => feed.offer(awkward(i)));
  await feed.flush();
  const token = 'tgr-' + randomBytes(12).toString('hex');
  const app = Fastify();
  trainingFeedRoutes(app, { feed, auth: new ControlPlaneAuth(new ControlTokens([{ id: 'r', hash: hashSecret(token), role: 'runner' }])), keys });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await feed.close();
  });

  const out = join(work, 'dataset');
  const { stdout } = await run(python, ['-m', 'termsgate_runner', 'pull', '--gateway', url, '--token', token, '--out', out, '--limit', '5'], { cwd: join(repo, 'training-runner') });
  const result = JSON.parse(stdout) as { received: number; cursor: string; key_id: string; verify: { verified: number; quarantined: number; reasons: unknown[] } };
  t.equal(result.received, ids.length);
  t.equal(result.cursor, String(ids.length));
  t.equal(result.key_id, keys.keyId);
  t.same(result.verify, { verified: ids.length, quarantined: 0, reasons: [], traced_by: null, later_origins_only: 0 }, 'every permit verifies against the recomputed digest (pull checks permits; no gateway traced them)');

  feed.offer(awkward(100));
  await feed.flush();
  const again = JSON.parse((await run(python, ['-m', 'termsgate_runner', 'pull', '--gateway', url, '--token', token, '--out', out], { cwd: join(repo, 'training-runner') })).stdout) as { received: number; cursor: string };
  t.same([again.received, again.cursor], [1, String(ids.length + 1)], 'a later pull resumes at the cursor');
});
