import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { speeches as sotu } from '../mock-upstream/corpus.js';
import { ControlPlaneAuth } from '../auth/control-plane-auth.js';
import { ControlTokens } from '../auth/control-tokens.js';
import { hashSecret } from '../core/secret-hash.js';
import { run } from '../cli/provenance.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { provenanceAdminRoutes } from './routes.js';
import { createProvenance } from './provenance.js';
import { stripInvisible } from './watermark-reader.js';

const words = sotu({ year: 1995 })[0].text.split(/\s+/);
const passage = (at: number) => words.slice(at, at + 150).join(' ');

const dataDir = mkdtempSync(join(tmpdir(), 'prov-scan-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const keys = loadOrCreateSigningKeys(dataDir);
const restrictedId = randomUUID();
const permittedId = randomUUID();
let restrictedText = '';
let permittedText = '';

t.before(async () => {
  const p = await createProvenance({ dataDir, keys });
  restrictedText = p.marker({ decisionId: restrictedId, licenceClass: 'not-for-competing-models', trainable: false }).markText(passage(0));
  permittedText = p.marker({ decisionId: permittedId, licenceClass: 'yes', trainable: true }).markText(passage(400));
  p.remember({ decisionId: restrictedId, text: restrictedText, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  p.remember({ decisionId: permittedId, text: permittedText, licence: 'apache-2.0', trainable: true, time: '2026-11-28T00:00:00Z' });
  await p.close();
});

async function scan(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => out.push(...String(chunk).split('\n').filter(Boolean)) > 0) as typeof process.stdout.write;
  try {
    return { code: await run(['scan', ...args, '--data-dir', dataDir]), out };
  } finally {
    process.stdout.write = write;
  }
}

function file(name: string, content: string): string {
  const path = join(dataDir, name);
  writeFileSync(path, content);
  return path;
}

t.test('jsonl chat dataset: one object per record, a summary, exit 1 on restricted content', async (t) => {
  const rows = [
    { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: stripInvisible(restrictedText).slice(200, 700) }] },
    { messages: [{ role: 'assistant', content: [{ type: 'text', text: permittedText }] }] },
    { messages: [{ role: 'assistant', content: passage(2000) }] },
  ];
  const { code, out } = await scan([file('chat.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n'), '--format', 'jsonl']);
  t.equal(code, 1);
  t.equal(out.length, 4);
  const [a, b, c, summary] = out.map((l) => JSON.parse(l));
  t.match(a, { record: 1, line: 1, origin: 'fingerprint', status: 'genuine', decision_id: restrictedId, licence: 'openai-terms', trainable: false, restricted: true });
  t.match(b, { record: 2, origin: 'both', decision_id: permittedId, licence: 'apache-2.0', licence_class: 'yes', trainable: true, restricted: false });
  t.match(c, { record: 3, origin: null, status: 'none' });
  t.match(summary, { summary: { records: 3, traced: 2, via_watermark: 1, via_fingerprint: 1, restricted: 1, forged: 0, transplanted: 0 } });
});

t.test('chosen fields; permitted content only exits 0', async (t) => {
  const rows = [{ data: { answer: permittedText } }, { data: { answer: passage(3000) } }];
  const { code, out } = await scan([file('fields.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')), '--field', 'data.answer', '--format', 'jsonl']);
  t.equal(code, 0);
  t.match(JSON.parse(out[0]), { decision_id: permittedId, restricted: false });
  t.match(JSON.parse(out[2]), { summary: { records: 2, traced: 1, restricted: 0 } });
});

t.test('plain text: one record per paragraph, text report', async (t) => {
  const text = `${passage(5000)}\n\n${restrictedText}\n\nA short closing line.\n`;
  const { code, out } = await scan([file('notes.txt', text)]);
  t.equal(code, 1);
  t.equal(out.length, 2);
  t.match(out[0], /notes\.txt:3: restricted: both [\d.]+ decision .* licence openai-terms/);
  t.match(out[1], /^3 records: 1 traced \(1 by watermark, 0 by fingerprint, 0 by meaning\), 1 restricted/);
});

t.test('usage errors exit 2', async (t) => {
  t.equal((await scan([])).code, 2, 'no file');
  t.equal((await scan([join(dataDir, 'missing.txt')])).code, 2, 'missing file');
  t.equal((await scan([file('x.txt', 'a'), '--format', 'xml'])).code, 2, 'bad format');
  t.equal((await scan([file('y.txt', 'a'), '--bogus'])).code, 2, 'unknown option');
  t.equal(await run(['scan', file('z.txt', 'a'), '--data-dir', join(dataDir, 'nowhere')]), 2, 'no keys there');
  t.equal(await run([]), 2, 'no subcommand');
});

t.test('admin route: auditor token required, {text} and {texts}', async (t) => {
  const tokens = new ControlTokens([
    { id: 'aud', hash: hashSecret('auditor-secret'), role: 'auditor' },
    { id: 'ed', hash: hashSecret('editor-secret'), role: 'policy-editor' },
  ]);
  const provenance = await createProvenance({ dataDir, keys, readOnly: true });
  const app = Fastify();
  provenanceAdminRoutes(app, { provenance, auth: new ControlPlaneAuth(tokens) });
  t.teardown(async () => {
    await app.close();
    await provenance.close();
  });
  const post = (token: string | null, body: unknown) =>
    app.inject({ method: 'POST', url: '/admin/v1/provenance/detect', headers: token ? { authorization: `Bearer ${token}` } : {}, payload: body as object });
  t.equal((await post(null, { text: 'x' })).statusCode, 401);
  t.equal((await post('editor-secret', { text: 'x' })).statusCode, 403);
  t.equal((await post('auditor-secret', { nothing: 1 })).statusCode, 400);
  const one = await post('auditor-secret', { text: restrictedText });
  t.equal(one.statusCode, 200);
  t.match(one.json(), { results: [{ origin: 'both', decision_id: restrictedId, restricted: true, spans: [{ origin: 'both', status: 'genuine', text_matches: true, decision_id: restrictedId }] }], summary: { records: 1, restricted: 1 } });
  const many = await post('auditor-secret', { texts: [stripInvisible(permittedText), 'nothing to see here'] });
  t.match(many.json(), { results: [{ origin: 'fingerprint', decision_id: permittedId }, { origin: null }], summary: { records: 2, traced: 1, restricted: 0 } });
});
