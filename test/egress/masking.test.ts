// The mask obligation end to end: a team whose rules list data classes under mask_data_classes gets
// those findings replaced by typed placeholders in what the provider receives, the answer back as the
// provider sent it, and an audit record saying what was masked and where.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { awsKeyId, chat, messages, privateKeyPem } from './cases.js';
import { send } from './capture.js';
import { startTeamGateway } from './team-gateway.js';

// A team like the demo one that masks secrets' API keys and personal data; the demo key joins it.
const gw = await startTeamGateway(t, 'masked', { mask_data_classes: ['secret.api_key', 'pii.email', 'pii.phone', 'pii.card', 'pii.national_id'] });

t.test('listed classes are masked in every field the provider receives; the call goes ahead', async (t) => {
  const key = awsKeyId();
  const body = {
    model: chat.model,
    messages: [{ role: 'user', content: `Deploy with ${key}. Contact jane.doe@example.com or +1 415-555-2671, card 4111 1111 1111 1111.` }],
    tools: [{ type: 'function', function: { name: 'deploy', description: `uses ${key}` } }],
    metadata: { ssn: '123-45-6789' },
    store: true,
  };
  const r = await send(gw, chat, body);
  t.equal(r.status, 200, 'forwarded');
  t.notMatch(r.received, key, 'the provider never sees the key');
  for (const value of ['jane.doe@example.com', '415-555-2671', '4111 1111 1111 1111', '123-45-6789']) t.notMatch(r.received, value, `nor ${value}`);
  const received = gw.mock.received().at(-1)!.body as { messages: Array<{ content: string }>; tools: Array<{ function: { description: string } }>; metadata: { ssn: string } };
  // Each placeholder carries the call's nonce (8 hex digits).
  const nonce = /#([0-9a-f]{8})\]/.exec(received.messages[0].content)?.[1] ?? 'none';
  const n = (text: string) => text.replace(/\[([A-Z_]+_\d+)\]/g, `[$1#${nonce}]`);
  t.equal(received.messages[0].content, n('Deploy with [AWS_ACCESS_KEY_1]. Contact [EMAIL_1] or [PHONE_1], card [CARD_NUMBER_1].'));
  t.equal(received.tools[0].function.description, n('uses [AWS_ACCESS_KEY_1]'));
  t.equal(received.metadata.ssn, n('[US_SSN_1]'));
  t.ok((r.body as { choices?: unknown[] }).choices?.length, 'the answer comes back as the provider sent it');

  const admin = { authorization: `Bearer ${gw.adminToken}` };
  const records = (await (await request(`${gw.url}/admin/v1/audit/records`, { headers: admin })).body.json()) as { records: Array<{ record: Record<string, unknown> }> };
  const started = records.records.map((x) => x.record).find((rec) => rec.phase === 'started' && Array.isArray(rec.masked));
  t.ok(started, 'the record says what was masked');
  t.same(
    (started!.masked as Array<{ placeholder: string; path: string }>).map((m) => `${m.placeholder} ${m.path}`).sort(),
    [
      '[AWS_ACCESS_KEY_1] messages[0].content',
      '[AWS_ACCESS_KEY_1] tools[0].function.description',
      '[CARD_NUMBER_1] messages[0].content',
      '[EMAIL_1] messages[0].content',
      '[PHONE_1] messages[0].content',
      '[US_SSN_1] metadata.ssn',
    ].map(n),
  );
  t.notMatch(JSON.stringify(records), key, 'the audit log never holds the key');
});

t.test('personal data masked: the stored content holds the placeholders, nowhere the values', async (t) => {
  const email = `sam.${Date.now()}@example.org`;
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `Reply to ${email} about the invoice.` }] });
  t.equal(r.status, 200);
  // The completed record and its content are written after the answer.
  const files = () => readdirSync(gw.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'));
  for (let i = 0; i < 50 && !files().some((f) => f.includes('about the invoice')); i++) await new Promise((res) => setTimeout(res, 100));
  t.ok(files().some((f) => /Reply to \[EMAIL_1#[0-9a-f]{8}\] about the invoice\./.test(f)), 'the masked request is what is stored');
  t.notOk(files().some((f) => f.includes(email)), 'the address is nowhere in the data directory');
});

t.test('a credential fragment is masked where the team masks a class of secret', async (t) => {
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'The key starts AKIAQ2W3, the rest is in the vault.' }] });
  t.equal(r.status, 200, 'forwarded');
  t.notMatch(r.received, 'AKIAQ2W3');
  t.match(r.received, /The key starts \[CREDENTIAL_FRAGMENT_1#[0-9a-f]{8}\], the rest is in the vault\./);
});

t.test('a caller cannot forge a placeholder: the masked one carries a nonce drawn per call', async (t) => {
  const sent = async () => {
    const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'I typed [EMAIL_1] myself; the address is ops@example.net.' }] });
    t.equal(r.status, 200);
    return (gw.mock.received().at(-1)!.body as { messages: Array<{ content: string }> }).messages[0].content;
  };
  const [first, second] = [await sent(), await sent()];
  t.match(first, /^I typed \[EMAIL_1\] myself; the address is \[EMAIL_1#[0-9a-f]{8}\]\.$/, "the caller's look-alike is forwarded as written, the masked value with the nonce");
  t.not(first, second, 'another call, another nonce');
});

t.test('whole values: a key glued to an e-mail address is masked whole, no part of either reaches the provider', async (t) => {
  const key = awsKeyId();
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `creds ${key}jane@example.com, ok` }] });
  t.equal(r.status, 200);
  t.notMatch(r.received, key);
  t.notMatch(r.received, 'jane');
  t.match(r.received, /creds \[AWS_ACCESS_KEY_1#[0-9a-f]{8}\], ok/);
});

t.test('disguised e-mail addresses are masked like plain ones (issue 23, #5)', async (t) => {
  for (const written of ['jane [at] example [dot] com', 'jane.doe(at)example(dot)co(dot)uk', 'jane @ example.com']) {
    const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `reach me at ${written} today` }] });
    t.equal(r.status, 200, written);
    t.notMatch(r.received, 'jane', `${written}: not forwarded`);
    t.match(r.received, /reach me at \[EMAIL_DISGUISED_1#[0-9a-f]{8}\] today/);
  }
  const clean = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'y = x @ self.weights, meet at home dot com' }] });
  t.match(clean.received, 'y = x @ self.weights, meet at home dot com', 'look-alikes are forwarded as written');
});

t.test('a class the team does not mask is still refused', async (t) => {
  const r = await send(gw, messages, { model: messages.model, max_tokens: 8, messages: [{ role: 'user', content: `${awsKeyId()}\n${privateKeyPem()}` }] });
  t.equal(r.status, 403);
  t.match(r.body, { error: { message: /secret\.private_key at messages\[0\]\.content/ } });
  t.equal(r.received, '');
});
