// The detect route's bounds and its failure mode: a batch past its texts or bytes is refused with the
// table's code; with meaning on but unable to run, or a text it cannot check, nothing is answered.
import t from 'tap';
import Fastify from 'fastify';
import { ControlPlaneAuth } from '../auth/control-plane-auth.js';
import { ControlTokens } from '../auth/control-tokens.js';
import { hashSecret } from '../core/secret-hash.js';
import type { DetectionResult } from './detection.js';
import { MAX_DETECT_BYTES, MAX_DETECT_TEXTS, provenanceAdminRoutes, type ProvenanceAdminDeps } from './routes.js';

const untraced = (): DetectionResult => ({ origin: null, status: 'none', decision_id: null, licence: null, licence_class: null, trainable: null, score: 0, restricted: false, marks: { genuine: 0, forged: 0 }, spans: [] });
const tokens = new ControlTokens([{ id: 'aud', hash: hashSecret('auditor-secret'), role: 'auditor' }]);

async function route(t: Tap.Test, extra: Partial<ProvenanceAdminDeps> = {}) {
  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  provenanceAdminRoutes(app, { provenance: { detectAll: async (texts) => texts.map(untraced) }, auth: new ControlPlaneAuth(tokens), ...extra });
  t.teardown(() => app.close());
  return (body: unknown) => app.inject({ method: 'POST', url: '/admin/v1/provenance/detect', headers: { authorization: 'Bearer auditor-secret' }, payload: body as object });
}

t.test('a batch is bounded in texts and in bytes, each with its own code', async (t) => {
  const post = await route(t);
  const full = await post({ texts: Array.from({ length: MAX_DETECT_TEXTS }, () => 'a') });
  t.equal(full.statusCode, 200);
  t.same(full.json().evidence, ['marks', 'words'], 'meaning off: the answer says so');
  const many = await post({ texts: Array.from({ length: MAX_DETECT_TEXTS + 1 }, () => 'a') });
  t.equal(many.statusCode, 413);
  t.match(many.json(), { error: { type: 'batch_too_many_texts', message: /at most 1000 texts per request \(got 1001\)/ } });
  const half = 'é'.repeat(MAX_DETECT_BYTES / 4);
  t.equal((await post({ texts: [half, half] })).statusCode, 200, 'exactly the bound in UTF-8 bytes');
  const large = await post({ texts: [half, half, 'x'] });
  t.equal(large.statusCode, 413);
  t.match(large.json(), { error: { type: 'batch_too_large', message: /at most 1048576 bytes of text per request \(got 1048577\)/ } });
});

t.test('meaning on: the answer names it; unavailable or failing, nothing is answered', async (t) => {
  let why: string | null = null;
  let fail = false;
  const post = await route(t, {
    meaning: { unavailable: () => why },
    provenance: {
      detectAll: async (texts) => {
        if (fail) throw new Error('the meaning index is 12 restricted outputs behind');
        return texts.map(untraced);
      },
    },
  });
  const ok = await post({ texts: ['a', 'b'] });
  t.same([ok.statusCode, ok.json().evidence, ok.json().results.length], [200, ['marks', 'words', 'meaning'], 2]);
  why = 'semantic provenance is enabled but its model is missing';
  const missing = await post({ text: 'a' });
  t.equal(missing.statusCode, 503);
  t.match(missing.json(), { error: { type: 'unavailable', message: /cannot consult meaning: semantic provenance is enabled but its model is missing/ } });
  why = null;
  fail = true;
  const behind = await post({ texts: ['a', 'b'] });
  t.equal(behind.statusCode, 503);
  t.match(behind.json(), { error: { type: 'unavailable', message: /could not check every text: the meaning index is 12 restricted outputs behind/ } });
  t.notOk('results' in behind.json(), 'no partial answer');
});
