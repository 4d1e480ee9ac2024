// The optional external detector against a local stand-in for a Presidio analyzer: what it finds is
// classified with its path and refused where the team's rules refuse it; when it is slow or down,
// fail-closed classes count as present and fail-open ones as absent.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DetectorHook, DETECTOR_UNAVAILABLE } from '../../gateway/classify/detector-hook.js';
import { bodyPieces } from '../../gateway/classify/walk.js';
import { chat } from './cases.js';
import { send } from './capture.js';
import { startTeamGateway } from './team-gateway.js';
import { pour, type Poured } from '../support/endless-answer.js';

// The stand-in: PERSON for "Firstname Lastname" pairs, LOCATION for "Street"; a mode for failures.
let mode: 'ok' | 'slow' | 'error' | 'flood' = 'ok';
const received: string[] = [];
const flooded: Poured = { sent: 0 };
/** A hostile or broken analyzer: a JSON list of results that never ends, as fast as the gateway reads. */
function flood(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  pour(res, Buffer.from(JSON.stringify({ entity_type: 'PERSON', start: 0, end: 4, score: 0.9 }).concat(',').repeat(1_000)), flooded);
}
const analyzer = createServer((req, res) => {
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    const { text } = JSON.parse(raw) as { text: string };
    received.push(text);
    if (mode === 'error') return res.writeHead(500).end('{}');
    if (mode === 'flood') return flood(res);
    const results = [...text.matchAll(/\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b\d+ [A-Z][a-z]+ Street\b/gu)].map((m) => ({
      entity_type: m[0].endsWith('Street') ? 'LOCATION' : 'PERSON',
      // Presidio counts code points.
      start: [...text.slice(0, m.index)].length,
      end: [...text.slice(0, m.index! + m[0].length)].length,
      score: m[0].startsWith('Maybe') ? 0.3 : 0.85,
    }));
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(results));
    if (mode === 'slow') setTimeout(answer, 1_500);
    else answer();
  });
});
await new Promise<void>((resolve) => analyzer.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(analyzer.address() as AddressInfo).port}`;
t.teardown(() => analyzer.close());

const config = { url, timeoutMs: 300, maxAnswerBytes: 1024 * 1024, language: 'en', scoreThreshold: 0.5, entities: { PERSON: 'pii.name', LOCATION: 'pii.location' }, failClosed: ['pii.name'] };

t.test('findings come back with their paths; low scores are ignored; offsets survive astral characters', async (t) => {
  mode = 'ok';
  const hook = new DetectorHook(config);
  const body = { messages: [{ role: 'user', content: '😀😀 ask Jane Doe' }], tools: [{ function: { description: 'ships to 12 Baker Street' } }], user: 'Maybe Someone' };
  t.same(await hook.classify(bodyPieces(body)), {
    classes: ['pii.location', 'pii.name'],
    counts: { 'pii.name': 1, 'pii.location': 1 },
    paths: { 'pii.name': ['messages[0].content'], 'pii.location': ['tools[0].function.description'] },
  });
});

t.test('slow or failing: fail-closed classes are present, fail-open ones absent', async (t) => {
  const hook = new DetectorHook(config);
  for (const m of ['slow', 'error'] as const) {
    mode = m;
    const started = performance.now();
    t.same(await hook.classify(bodyPieces({ input: 'ask Jane Doe at 12 Baker Street' })), { classes: ['pii.name'], counts: { 'pii.name': 1 }, paths: { 'pii.name': [DETECTOR_UNAVAILABLE] } }, m);
    t.ok(performance.now() - started < 1_400, `${m}: gave up within the timeout`);
  }
  mode = 'ok';
});

t.test('an answer that never ends is cut at detector.maxAnswerBytes: fail-closed classes present, the analyzer read no further', async (t) => {
  const hook = new DetectorHook({ ...config, timeoutMs: 5_000 });
  mode = 'flood';
  flooded.sent = 0;
  const started = performance.now();
  t.same(await hook.classify(bodyPieces({ input: 'ask Jane Doe' })), { classes: ['pii.name'], counts: { 'pii.name': 1 }, paths: { 'pii.name': [DETECTOR_UNAVAILABLE] } });
  t.ok(performance.now() - started < 2_500, `cut as it was read, not at the 5 s deadline (${Math.round(performance.now() - started)} ms)`);
  await new Promise((r) => setTimeout(r, 100));
  t.ok(flooded.sent < 64 * 1024 * 1024, `the gateway stopped reading after ${(flooded.sent / 1024 / 1024).toFixed(1)} MiB of the flood`);
  mode = 'ok';
});

t.test('through the gateway: a team that keeps names in-house', async (t) => {
  const gw = await startTeamGateway(t, 'names-in-house', { deny_external_data_classes: ['pii.name'] }, (c) => {
    c.detector = config;
  });
  mode = 'ok';
  const clean = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'summarise the report' }] });
  t.equal(clean.status, 200);
  const named = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'hi' }], metadata: { owner: 'Jane Doe' }, store: true });
  t.equal(named.status, 403);
  t.match(named.body.error?.message, /may not send pii\.name/);
  t.equal(named.received, '', 'nothing reached the provider');
  t.ok(received.some((text) => text.includes('Jane Doe')), 'the analyzer saw the metadata too');
  mode = 'slow';
  const down = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'summarise the report' }] });
  t.equal(down.status, 403, 'analyzer too slow: pii.name fails closed');
  t.equal(down.received, '');
  mode = 'ok';
});
