// Under redacted content logging, one call's records name one request digest: the digest of the
// redacted request the log stores. `audit verify` checks that stored content against its digest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import OpenAI from 'openai';
import { request } from 'undici';
import { contentDigest } from '../gateway/core/canonical-json.js';
import { verifyStore } from '../gateway/audit/file/verify.js';
import { startDemoGateway } from './support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const admin = { authorization: `Bearer ${gw.adminToken}` };

type Row = { record: { decision_id: string; phase: string; request_digest: string | null; obligations: { content_logging: string } | null } };

async function recordsOf(id: string): Promise<Row['record'][]> {
  for (let i = 0; i < 40; i++) {
    const rows = ((await (await request(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: admin })).body.json()) as { records: Row[] }).records;
    const mine = rows.map((r) => r.record).filter((r) => r.decision_id === id);
    if (mine.some((r) => r.phase === 'completed')) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

t.test('a 1 MB request, made canonical off the event loop: its records name the digest of the stored content, and verify passes', async (t) => {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  const prose = 'Grüße — the "quarterly" report, line after line.\n'.repeat(22_000);
  const { response } = await client.chat.completions.create({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: prose }] }).withResponse();
  const records = await recordsOf(response.headers.get('x-termsgate-decision-id')!);
  const started = records.find((r) => r.phase === 'started')!;
  const completed = records.find((r) => r.phase === 'completed')!;
  t.equal(started.request_digest, completed.request_digest, 'one request digest per call');
  const stored = ((await (await request(`${gw.url}/admin/v1/audit/content/${completed.request_digest}`, { headers: admin })).body.json()) as { content: { messages: { content: string }[] } }).content;
  t.equal(contentDigest(stored), completed.request_digest, 'the digest is that of the stored content');
  t.equal(stored.messages[0].content, prose, 'the whole request is stored');
  t.equal((await verifyStore(gw.dataDir)).problem, null, 'audit verify passes');
});

t.test('redacted logging: started and completed name the same request digest, that of the stored content', async (t) => {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Draft a reply to jane.doe@example.com about her order.' }] }).withResponse();
  const records = await recordsOf(response.headers.get('x-termsgate-decision-id')!);
  const started = records.find((r) => r.phase === 'started')!;
  const completed = records.find((r) => r.phase === 'completed')!;
  t.equal(completed.obligations?.content_logging, 'redacted', 'personal data: the content is logged redacted');
  t.ok(started.request_digest, 'the started record names the request');
  t.equal(started.request_digest, completed.request_digest, 'one request digest per call');
  const stored = ((await (await request(`${gw.url}/admin/v1/audit/content/${completed.request_digest}`, { headers: admin })).body.json()) as { content: unknown }).content;
  t.equal(contentDigest(stored), started.request_digest, 'the digest is that of the stored content');
  t.notMatch(JSON.stringify(stored), 'jane.doe@example.com', 'what is stored is redacted');

  const verified = await verifyStore(gw.dataDir);
  t.equal(verified.problem, null, 'audit verify passes');
  t.ok(verified.contentChecked >= 2, 'and checked the stored content');
  const hex = completed.request_digest!.slice('sha256:'.length);
  writeFileSync(join(gw.dataDir, 'audit', 'content', hex.slice(0, 2), `${hex}.json`), JSON.stringify({ altered: true }));
  t.match((await verifyStore(gw.dataDir)).problem, { kind: 'content', message: new RegExp(`content ${completed.request_digest} of record seq \\d+ was altered`) });
});
