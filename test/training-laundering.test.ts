// The laundering paths of issue 12, tried through the real gateway (demo mode: every stage real,
// the mock standing in for the providers) and the real CLI (dist/, as shipped): restricted text
// never reaches the training feed or passes a scan, however it is carried or disguised.
import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, adminGet, feedDecisionIds, postAs, stripMarks } from './support/gateway-calls.js';
import { indexed, until } from './support/until.js';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist', 'gateway', 'cli', 'main.js');
const run = promisify(execFile);

const gw = await startDemoGateway();
t.teardown(() => gw.close());


const post = (path: string, body: unknown, headers: Record<string, string> = {}) => postAs(gw, path, body, headers);

async function ask(model: string, content: string): Promise<{ id: string; text: string }> {
  const r = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content }] });
  return { id: r.id, text: r.body.choices[0].message.content as string };
}

const admin = (path: string) => adminGet(gw, path);

const feedIds = () => feedDecisionIds(gw);

/** The feed once it holds `id` (or after the wait runs out, for the assertion to fail on). */
const feedWith = (id: string) => until(feedIds, (ids) => ids.includes(id));


const gpt = await ask('gpt-4o-mini', 'Write about the history of lighthouses and their keepers.');
const qwen = await ask('qwen2.5-7b-instruct', 'Write about the chemistry of baking bread.');
const gpt2 = await ask('gpt-4o-mini', 'Write about the migration of arctic terns.');
// The provenance index takes outputs in batches after the answer: wait until all three are indexed.
await indexed(gw, [gpt, qwen, gpt2].map((c) => ({ id: c.id, text: stripMarks(c.text) })));

t.test('hole 1: restricted text riding in a trainable call is denied up front, with the origin decision named', async (t) => {
  const carriers: Record<string, unknown[]> = {
    'assistant turn': [{ role: 'user', content: 'Improve this.' }, { role: 'assistant', content: gpt.text }, { role: 'user', content: 'Go on.' }],
    'stripped in a user turn': [{ role: 'user', content: `Rewrite: ${stripMarks(gpt.text)}` }],
    'system prompt': [{ role: 'system', content: stripMarks(gpt.text) }, { role: 'user', content: 'Hello.' }],
    'content parts splitting words': [
      { role: 'user', content: [...stripMarks(gpt.text).matchAll(/[\s\S]{1,7}/g)].map((m) => ({ type: 'text', text: m[0] })) },
    ],
    'tool-call arguments': [
      { role: 'user', content: 'Look it up.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'note', arguments: JSON.stringify({ text: stripMarks(gpt.text) }) } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
    'base64 in a user turn': [{ role: 'user', content: `Decode and summarise: ${Buffer.from(stripMarks(gpt.text)).toString('base64')}` }],
    'hex in a user turn': [{ role: 'user', content: `Decode: ${Buffer.from(stripMarks(gpt.text)).toString('hex')}` }],
    'percent-encoded in a user turn': [{ role: 'user', content: `Unescape: ${encodeURIComponent(stripMarks(gpt.text))}` }],
    'tool result': [
      { role: 'user', content: 'Look it up.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: stripMarks(gpt.text) },
    ],
  };
  for (const [name, messages] of Object.entries(carriers)) {
    const r = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages }, { 'x-termsgate-purpose': 'training-data' });
    t.equal(r.status, 403, name);
    t.match(r.body.error.message, new RegExp(`training\\.provenance_admission.*decision ${gpt.id}`), `${name}: names the origin decision`);
    t.equal(r.body.error.code, 'termsgate_policy_denied');
  }
  // The Responses API, with the text as its plain-string input.
  const responses = await post('/v1/responses', { model: 'qwen2.5-7b-instruct', input: stripMarks(gpt.text) }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(responses.status, 403);
  t.match(responses.body.error.message, gpt.id);
  // Short answers here and below: the mock composes an answer from corpus sentences at a place its prompt
  // (marks and all, so drawn afresh each run) chooses, and a longer one quoted a restricted output's
  // sentences by chance now and then (refused, rightly, and then traced beside it by the scans below).
  const own = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', max_tokens: 8, messages: [{ role: 'user', content: 'Continue.' }, { role: 'assistant', content: qwen.text }, { role: 'user', content: 'More.' }] }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(own.status, 200, 'a conversation carrying only permitted outputs is admitted');
  t.ok((await feedWith(own.id)).includes(own.id), 'and reaches the feed');
});

t.test('hole 1, other purposes: the call is answered but its record never reaches the feed, and the refusal is audited', async (t) => {
  const r = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', max_tokens: 8, messages: [{ role: 'user', content: 'Edit this.' }, { role: 'assistant', content: gpt.text }, { role: 'user', content: 'Shorter.' }] });
  t.equal(r.status, 200);
  // The completed record is written after the permit decision: once it is there, so is any permit.
  const { records } = await until(() => admin(`/admin/v1/audit/records?decision_id=${r.id}&phase=completed`), (page) => page.records.length > 0);
  t.notOk((await feedIds()).includes(r.id), 'no permit signed');
  const completed = records.map((e: { record: any }) => e.record).find((rec: any) => rec.decision_id === r.id && rec.phase === 'completed');
  t.equal(completed.training_permit_id, null);
  t.match(completed.reasons, [{ rule: 'training.provenance_admission', message: new RegExp(gpt.id) }]);
});

async function scan(name: string, rows: string[]): Promise<{ code: number; results: any[] }> {
  const file = join(gw.dataDir, name);
  writeFileSync(file, rows.map((text) => JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: text }] })).join('\n') + '\n');
  const out = await run(process.execPath, [cli, 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--format', 'jsonl']).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { code: out.code, results: lines.slice(0, -1) };
}

function firstMark(text: string): string {
  const m = /(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/.exec(text)!;
  return m[0];
}

t.test('holes 2–5 through the scan CLI: transplant, concatenation, false attribution, homoglyphs and invisible code points', async (t) => {
  const words = stripMarks(gpt.text).split(' ');
  const transplanted = [...words.slice(0, 12), words[12] + firstMark(qwen.text), ...words.slice(13)].join(' ');
  const concatenated = `${stripMarks(gpt2.text)}\n\n${qwen.text}`;
  const human = 'Kites were flown in the hills above the village every spring, and the children counted how long each stayed aloft before the wind dropped and the strings went slack in the grass.';
  const attributed = human.replace('village', 'village' + firstMark(qwen.text));
  const homoglyphs = stripMarks(gpt.text).replace(/[aeopc]/g, (c) => ({ a: 'а', e: 'е', o: 'о', p: 'р', c: 'с' })[c]!);
  const cgj = words.map((w) => (w.length > 3 ? w.slice(0, 2) + '\u034f' + w.slice(2) : w)).join(' ');
  const { code, results } = await scan('laundered.jsonl', [transplanted, concatenated, attributed, homoglyphs, cgj, qwen.text]);
  t.equal(code, 1, 'restricted content found');
  t.match(results[0], { restricted: true, decision_id: gpt.id });
  t.ok(results[0].spans.some((s: any) => s.status === 'transplanted' && s.decision_id === qwen.id && s.text_matches === false), 'the moved mark is reported transplanted');
  t.notOk(results[0].spans.some((s: any) => s.status === 'genuine' && s.decision_id === qwen.id), 'and never as genuine qwen output');
  t.match(results[1], { restricted: true, decision_id: gpt2.id });
  t.ok(results[1].spans.some((s: any) => s.decision_id === qwen.id && !s.restricted), 'the permitted paragraph is its own span');
  t.match(results[2], { restricted: true, status: 'transplanted', decision_id: qwen.id }, 'human text with a copied mark is not attributed');
  t.match(results[3], { restricted: true, decision_id: gpt.id }, 'homoglyphs');
  t.match(results[4], { restricted: true, decision_id: gpt.id }, 'U+034F inside words');
  t.match(results[5], { restricted: false, decision_id: qwen.id, origin: 'both' }, 'a permitted output stays permitted');
});

t.test('the admin detect API returns the same spans', async (t) => {
  const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: `${stripMarks(gpt2.text)}\n\n${qwen.text}` }),
  });
  const body = (await res.json()) as { results: any[] };
  const traced = body.results[0].spans.filter((s: any) => s.origin !== 'none');
  // Each output once, whether traced by one span or several (words and meaning may both find the restricted one).
  const outputs = [...new Set(traced.map((s: any) => JSON.stringify([s.decision_id, s.restricted])))].map((j) => JSON.parse(j as string));
  t.same(outputs.sort(), [[gpt2.id, true], [qwen.id, false]].sort());
});

async function detectOne(text: string): Promise<any> {
  const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return ((await res.json()) as { results: any[] }).results[0];
}

t.test('hole 6: tool-call arguments and JSON-mode output are fingerprinted, unmarked; reasoning and thinking are marked', async (t) => {
  const fields = Object.fromEntries(['harbour', 'keeper', 'lamp', 'storm', 'ledger', 'signal', 'tower', 'rocks', 'fog', 'ships', 'charts', 'tides'].map((k) => [k, { type: 'string' }]));
  const tools = [{ type: 'function', function: { name: 'record_log', parameters: { type: 'object', properties: fields, required: Object.keys(fields) } } }];
  const called = await post('/v1/chat/completions', { model: 'gpt-4o-mini', tools, tool_choice: 'required', messages: [{ role: 'user', content: 'Log the night.' }] });
  const args = called.body.choices[0].message.tool_calls[0].function.arguments as string;
  t.notMatch(args, SELECTOR, 'arguments are not marked');
  t.doesNotThrow(() => JSON.parse(args), 'and stay valid JSON');
  const json = await post('/v1/chat/completions', { model: 'gpt-4o-mini', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'Describe harbours as JSON.' }] });
  const jsonText = json.body.choices[0].message.content as string;
  t.notMatch(jsonText, SELECTOR, 'JSON mode output is not marked');
  const r1 = await post('/v1/chat/completions', { model: 'deepseek-r1', messages: [{ role: 'user', content: 'Think about canals.' }] });
  const reasoning = r1.body.choices[0].message.reasoning_content as string;
  t.match(reasoning, SELECTOR, 'reasoning_content carries marks');
  const thinking = await post(
    '/v1/messages',
    { model: 'claude-3-5-haiku-latest', max_tokens: 400, thinking: { type: 'enabled', budget_tokens: 200 }, messages: [{ role: 'user', content: 'Think about bridges.' }] },
    { 'anthropic-version': '2023-06-01' },
  );
  const block = thinking.body.content.find((b: any) => b.type === 'thinking');
  t.match(block.thinking, SELECTOR, 'an Anthropic thinking block carries marks');
  await until(() => detectOne(stripMarks(block.thinking)), (r) => r?.decision_id === thinking.id);

  t.match(await detectOne(args), { restricted: true, decision_id: called.id }, 'copied tool arguments trace to their call');
  t.match(await detectOne(JSON.parse(jsonText).answer), { restricted: true, decision_id: json.id, origin: 'fingerprint' }, 'JSON-mode text traces by fingerprint');
  t.match(await detectOne(reasoning), { decision_id: r1.id, origin: 'both' }, 'reasoning traces by mark and fingerprint');
  t.match(await detectOne(stripMarks(block.thinking)), { restricted: true, decision_id: thinking.id }, 'stripped thinking traces to its call');
  const smuggled = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `Summarise: ${args}` }] }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(smuggled.status, 403, 'tool arguments of a restricted call cannot ride into training');
});

async function streamText(model: string, content: string): Promise<{ id: string; body: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content }] }),
  });
  return { id: res.headers.get('x-termsgate-decision-id')!, body: await res.text() };
}

t.test('hole 7: a stream that ends without its end event is recorded incomplete and never reaches the feed', async (t) => {
  const cut = await streamText('qwen2.5-7b-instruct', 'Write about the tides of the North Sea. mock:truncate-after=6');
  t.notMatch(cut.body, /finish_reason":"(stop|length)"/, 'the provider never finished');
  t.notMatch(cut.body, /\[DONE\]/);
  t.match(cut.body, /data: \{"error":\{"message":"the provider's stream ended before its end event/, 'the client is told the answer was cut short');
  const whole = await streamText('qwen2.5-7b-instruct', 'Write about the tides of the Baltic Sea.');
  t.match(whole.body, /\[DONE\]/);
  // The feed is appended in order: once the later, complete call is in it, the cut one would be too.
  const ids = await feedWith(whole.id);
  t.notOk(ids.includes(cut.id), 'the truncated answer got no permit');
  t.ok(ids.includes(whole.id), 'the complete one did');
  const { records } = await admin(`/admin/v1/audit/records?decision_id=${cut.id}`);
  const phases = records.map((e: { record: any }) => e.record).filter((r: any) => r.decision_id === cut.id).map((r: any) => r.phase);
  t.ok(phases.includes('incomplete'), `recorded incomplete (${phases.join(', ')})`);
  t.notOk(phases.includes('completed'));
  for (const model of ['claude-3-5-haiku-latest']) {
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'Write about rain. mock:truncate-after=5' }] }),
    });
    const id = res.headers.get('x-termsgate-decision-id')!;
    const body = await res.text();
    t.notMatch(body, /event: message_stop/, 'no end event');
    t.match(body, /event: error\ndata: .*the provider's stream ended before its end event/, 'the client is told the answer was cut short');
    const after = await admin(`/admin/v1/audit/records?decision_id=${id}`);
    t.ok(after.records.some((e: { record: any }) => e.record.decision_id === id && e.record.phase === 'incomplete'), 'Anthropic dialect: incomplete too');
  }
});
