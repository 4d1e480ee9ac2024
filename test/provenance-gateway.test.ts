// Outputs served through the gateway trace back to their decision: marked copies by watermark,
// stripped excerpts by fingerprint, forged marks reported as forged; the scan CLI gates a dataset.
import t from 'tap';
import OpenAI from 'openai';
import { request } from 'undici';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../gateway/core/package-root.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { indexed } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
const strip = (s: string) => s.replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, '');

async function detect(texts: string[]) {
  const res = await request(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts }),
  });
  t.equal(res.statusCode, 200);
  return ((await res.body.json()) as { results: Array<{ origin: string | null; status: string; decision_id: string | null; trainable: boolean | null; restricted: boolean; marks: { forged: number }; spans: { origin: string; status: string }[] }> }).results;
}

const served: Array<{ id: string; text: string }> = [];
for (const [model, prompt] of [
  ['gpt-4o-mini', 'Write about the history of railways in Europe.'],
  ['qwen2.5-7b-instruct', 'Write about the economics of farming.'],
] as const) {
  const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], stream: false }).withResponse();
  served.push({ id: response.headers.get('x-termsgate-decision-id')!, text: data.choices[0].message.content! });
}
// remember() is queued: wait until the index has taken every served output.
await indexed(gw, served.map((s) => ({ id: s.id, text: strip(s.text) })));

t.test('exact copies trace by watermark, stripped excerpts by fingerprint, to the right decision', async (t) => {
  const [openaiOut, qwenOut] = served;
  const words = strip(openaiOut.text).split(' ');
  const excerpt = words.slice(Math.floor(words.length * 0.3), Math.floor(words.length * 0.3) + Math.ceil(words.length * 0.4)).join(' ');
  const results = await detect([openaiOut.text, excerpt, qwenOut.text, 'A passage nobody ever asked the gateway for, about clouds and kites.']);
  t.match(results[0], { origin: 'both', status: 'genuine', decision_id: openaiOut.id, trainable: false });
  t.match(results[1], { origin: 'fingerprint', decision_id: openaiOut.id, trainable: false });
  t.match(results[2], { decision_id: qwenOut.id, trainable: true });
  t.match(results[3], { origin: null });
});

t.test('marks with altered payloads are reported as forged, never as genuine', async (t) => {
  // Change one selector in the middle of each payload (past its start marker): a byte of the MAC'd body.
  const isSelector = (c: string) => /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/.test(c);
  const bump = (c: string) => {
    const code = c.codePointAt(0)!;
    return String.fromCodePoint(code === 0xe01ef ? 0xe01ee : code === 0xfe0f ? 0xfe0e : code + 1);
  };
  const chars = [...served[0].text];
  const runStarts = chars.map((c, i) => (isSelector(c) && !isSelector(chars[i - 1] ?? '') ? i : -1)).filter((i) => i >= 0);
  t.ok(runStarts.length >= 1, 'the answer carries marks');
  const oneForged = [...chars];
  oneForged[runStarts[0] + 15] = bump(oneForged[runStarts[0] + 15]);
  const allForged = [...chars];
  for (const start of runStarts) allForged[start + 15] = bump(allForged[start + 15]);
  // A forged mark planted in text the gateway never served.
  const run = allForged.slice(runStarts[0], allForged.findIndex((c, i) => i > runStarts[0] && !isSelector(c))).join('');
  const planted = `A note written by hand${run} about kites and clouds and the wind over the hills.`;
  const [partly, wholly, alone] = await detect([oneForged.join(''), allForged.join(''), planted]);
  t.match(partly, { marks: { forged: 1 }, restricted: true }, 'one forged mark among genuine ones is counted and restricts');
  // Text traced by its content (words or meaning) is still traced; what altered marks must never do is vouch.
  t.notOk(wholly.spans.some((s: { origin: string; status: string }) => (s.origin === 'watermark' || s.origin === 'both') && s.status === 'genuine'), 'altered marks never vouch for the text');
  t.match(wholly, { marks: { forged: runStarts.length }, restricted: true }, 'every altered mark counted as forged');
  t.match(alone, { status: 'forged', decision_id: null, restricted: true }, 'a forged mark alone: reported forged');
});

t.test('provenance scan exits non-zero on a dataset holding restricted content', async (t) => {
  const file = join(gw.dataDir, 'dataset.jsonl');
  const rows = [
    { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: strip(served[0].text) }] },
    { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'Something written by a person.' }] },
  ];
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const run = promisify(execFile);
  const err = await run(process.execPath, ['--import', 'tsx', join(packageRoot, 'gateway/cli/main.ts'), 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--format', 'jsonl'], {
    cwd: packageRoot,
  }).then(
    () => null,
    (e: { code: number; stdout: string }) => e,
  );
  t.equal(err?.code, 1, 'restricted content found');
  const lines = err!.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines[0].decision_id, served[0].id);
  t.equal(lines[1].origin, null);
});

t.test('provenance scan on several threads reports what one thread does, in the same order', async (t) => {
  const file = join(gw.dataDir, 'dataset-threads.jsonl');
  // 150 records: three batches of the detection threads, each mixing served excerpts and other text.
  const rows = Array.from({ length: 150 }, (_, i) => {
    const words = strip(served[i % 2].text).split(/\s+/);
    const content = i % 3 === 0 ? `Record ${i}, written by a person about tides and lighthouses.` : words.slice((i * 7) % 20, ((i * 7) % 20) + 60).join(' ');
    return { messages: [{ role: 'assistant', content }] };
  });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const run = promisify(execFile);
  const scan = (threads: string) =>
    run(process.execPath, ['--import', 'tsx', join(packageRoot, 'gateway/cli/main.ts'), 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--format', 'jsonl', '--no-semantic', '--threads', threads], {
      cwd: packageRoot,
      maxBuffer: 64 << 20,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
  const [one, three] = await Promise.all([scan('1'), scan('3')]);
  t.equal(one.code, 1, 'restricted content found on one thread');
  t.equal(three.code, 1, 'and on three');
  const lines = one.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.same(lines.slice(0, -1).map((l) => l.record), Array.from({ length: 150 }, (_, i) => i + 1), 'every record, in order');
  t.ok(lines.slice(0, -1).filter((l, i) => i % 3 !== 0 && l.decision_id === served[i % 2].id).length >= 90, 'excerpts traced to their decisions');
  t.equal(three.stdout, one.stdout, 'the same report, byte for byte');
  const bad = await scan('0');
  t.equal(bad.code, 2, '--threads 0 is a usage error');
});

t.test('provenance scan stops at a record longer than it reads, naming its line: never scanned, never cleared', async (t) => {
  const run = promisify(execFile);
  const scan = (file: string) =>
    run(process.execPath, ['--import', 'tsx', join(packageRoot, 'gateway/cli/main.ts'), 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--no-semantic', '--threads', '1'], { cwd: packageRoot }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
  const huge = 'x'.repeat(33 * 2 ** 20);
  // One line of 33 MiB, after a short record.
  const jsonl = join(gw.dataDir, 'huge.jsonl');
  writeFileSync(jsonl, `${JSON.stringify({ text: 'a short record' })}\n${JSON.stringify({ text: huge })}\n`);
  const line = await scan(jsonl);
  t.equal(line.code, 1, 'a line past the bound: exit 1');
  t.match(line.stderr, /huge\.jsonl:2: a record longer than 32 MiB: not scanned/);
  // A paragraph of short lines adding up past it, starting on line 3.
  const text = join(gw.dataDir, 'huge.txt');
  writeFileSync(text, `a first paragraph\n\n${'a line of a long paragraph\n'.repeat(Math.ceil((33 * 2 ** 20) / 27))}\nlast\n`);
  const paragraph = await scan(text);
  t.equal(paragraph.code, 1, 'a paragraph past the bound: exit 1');
  t.match(paragraph.stderr, /huge\.txt:3: a record longer than 32 MiB: not scanned/);
});
