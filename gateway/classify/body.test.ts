import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { scanBody, summarise } from './body.js';
import { createClassifier } from './classifier.js';
import { bodyPieces } from './walk.js';

const limits = { decodedBytes: 1 << 20 };
const classes = async (body: unknown) => summarise(await scanBody(body, limits));
const aws = 'AKIAQ2W3E4R5T6Y7U8I9';

t.test('the walk lists every string and key in document order with its path', async (t) => {
  const pieces = bodyPieces({ model: 'm', tools: [{ function: { description: 'd' } }], meta: { 'AKIA SECRET 1': 'v' } });
  t.same(
    pieces.map((p) => [p.path, p.text]),
    [
      ['model (object key)', 'model'],
      ['model', 'm'],
      ['tools (object key)', 'tools'],
      ['tools[0].function (object key)', 'function'],
      ['tools[0].function.description (object key)', 'description'],
      ['tools[0].function.description', 'd'],
      ['meta (object key)', 'meta'],
      ['meta[key 0] (object key)', 'AKIA SECRET 1'],
      ['meta[key 0]', 'v'],
    ],
  );
});

t.test('a 5,000-deep body is walked without recursion', async (t) => {
  let deep: unknown = aws;
  for (let i = 0; i < 5000; i++) deep = [deep];
  t.same((await classes(deep)).classes, ['secret.api_key']);
});

t.test('findings carry paths; counts per class', async (t) => {
  const c = await classes({ user: aws, metadata: { owner: 'jane@example.com' }, messages: [{ role: 'user', content: 'hi' }] });
  t.same(c.classes, ['pii.email', 'secret.api_key']);
  t.same(c.paths, { 'secret.api_key': ['user'], 'pii.email': ['metadata.owner'] });
});

t.test('a key split across two messages or two content parts is found across the boundary', async (t) => {
  const split = { messages: [{ role: 'user', content: aws.slice(0, 9) }, { role: 'user', content: aws.slice(9) }] };
  // The first half alone carries the prefix: a fragment too (issue 23).
  t.same((await classes(split)).paths, { 'secret.api_key': ['messages[0].content', 'messages[1].content'], 'secret.fragment': ['messages[0].content'] });
  const parts = { messages: [{ role: 'user', content: [{ type: 'text', text: aws.slice(0, 5) }, { type: 'text', text: aws.slice(5) }] }] };
  t.same((await classes(parts)).classes, ['secret.api_key']);
  t.same((await classes({ messages: [{ role: 'user', content: 'AKIA' }, { role: 'user', content: 'hello' }] })).classes, [], 'no finding from harmless neighbours');
});

t.test('encoded secrets: base64, base64url, data: URIs, nested once, bare PEM bodies', async (t) => {
  const b64 = Buffer.from(`my key is ${aws}`).toString('base64');
  t.same((await classes({ input: b64 })).classes, ['secret.api_key'], 'base64');
  t.same((await classes({ input: Buffer.from(`token ${aws} ok?`).toString('base64url') })).classes, ['secret.api_key'], 'base64url');
  t.same((await classes({ input: `see data:text/plain;base64,${b64}` })).classes, ['secret.api_key'], 'data: URI');
  t.same((await classes({ input: `data:text/plain,key%20${aws.split('').map((c) => '%' + c.charCodeAt(0).toString(16)).join('')}` })).classes, ['secret.api_key'], 'percent-encoded data: URI');
  t.same((await classes({ input: Buffer.from(`inner ${b64}`).toString('base64') })).classes, ['secret.api_key'], 'base64 inside base64');
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  const bare = pem.split('\n').filter((l) => !l.startsWith('-----')).join('\n');
  t.same((await classes({ input: `here:\n${bare}` })).classes, ['secret.private_key'], 'bare PEM body (SEC1 EC)');
  const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  t.same((await classes({ input: pkcs8 })).classes, ['secret.private_key'], 'bare PKCS#8 body');
  const pub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  t.same((await classes({ input: `public ${pub}` })).classes, [], 'a public key is not a secret');
  t.same((await classes({ input: Buffer.from('just an ordinary sentence, nothing to see here').toString('base64') })).classes, []);
});

t.test('property: an AWS key id encoded alone (a data: URI, bare base64) is found, though its base64 is nearly all capitals', async (t) => {
  const fc = (await import('fast-check')).default;
  // AKIAAXT2NYJK5APIVWPF in a data: URI reached the stand-in provider once: its base64 read as long words.
  t.same((await classes({ input: 'data:text/plain;base64,QUtJQUFYVDJOWUpLNUFQSVZXUEY=' })).classes, ['secret.api_key']);
  const id = fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), { minLength: 16, maxLength: 16 }).map((cs) => `AKIA${cs.join('')}`);
  await fc.assert(
    fc.asyncProperty(id, fc.boolean(), async (key, uri) => {
      const b64 = Buffer.from(key).toString('base64');
      return (await classes({ input: uri ? `data:text/plain;base64,${b64}` : b64 })).classes.includes('secret.api_key');
    }),
    { numRuns: 1000 },
  );
});

t.test('the maintained rule set (secretlint) adds what the table lacks, read in the secret form', async (t) => {
  const c = await classes({ input: 'use postgres://admin:S3cr3tPassw0rd@db.internal:5432/app', note: 'then https://deploy:hunter2pass@example.com/x' });
  t.same(c.paths['secret.token'], ['input', 'note']);
  t.ok((await classes({ input: 'ｐｏｓｔｇｒｅｓ://admin:S3cr3tPassw0rd@db.internal/app' })).classes.includes('secret.token'), 'fullwidth');
  t.same((await classes({ input: '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' })).counts, { 'secret.api_key': 1 }, 'found by both, counted once');
});

t.test('decoding is bounded by the budget', async (t) => {
  const b64 = Buffer.from(`the key we use in staging is ${aws}`).toString('base64');
  t.same(summarise(await scanBody({ input: b64 }, { decodedBytes: 1 << 10 })).classes, ['secret.api_key']);
  t.same(summarise(await scanBody({ input: b64 }, { decodedBytes: 0 })).classes, []);
});

t.test('large bodies are classified in the worker pool, under a budget', async (t) => {
  const classifier = createClassifier({ inlineChars: 1000, budgetMs: 60_000, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => classifier.close());
  const body = { messages: [{ role: 'user', content: 'lorem ipsum '.repeat(10_000) + aws }] };
  t.same(await classifier.classify(body, { 'user-agent': 'sdk/1.0' }), { classes: ['secret.api_key'], counts: { 'secret.api_key': 1 }, paths: { 'secret.api_key': ['messages[0].content'] } });
  t.same((await classifier.classify({ input: 'hi' }, { 'idempotency-key': aws })).paths, { 'secret.api_key': ['header idempotency-key'] }, 'forwarded headers are classified too');
  await t.rejects(classifier.mask({ input: 'hi' }, ['secret.api_key'], { 'user-agent': `x ${aws}` }), /in a forwarded header cannot be masked/);
  const tight = createClassifier({ inlineChars: 0, budgetMs: 1, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => tight.close());
  await t.rejects(tight.classify({ input: 'x '.repeat(2_000_000) }, {}), /could not be classified within 1 ms/);
});

t.test('headers and body are one view: a key split between a forwarded header and the body is joined', async (t) => {
  const classifier = createClassifier({ inlineChars: 65_536, decodedBytes: 1 << 20, threads: 1, budgetMs: 60_000 });
  t.teardown(() => classifier.close());
  const split = await classifier.classify({ messages: [{ role: 'user', content: `${aws.slice(10)} is the rest` }] }, { 'user-agent': `tool/1.0 ${aws.slice(0, 10)}` });
  t.same(split.paths['secret.api_key'], ['header user-agent', 'messages[0].content']);
  const clean = await classifier.classify({ messages: [{ role: 'user', content: 'the rest' }] }, { 'user-agent': 'tool/1.0' });
  t.same(clean.classes, []);
  await t.rejects(classifier.mask({ messages: [{ role: 'user', content: aws.slice(10) }] }, ['secret.api_key', 'secret.fragment'], { 'user-agent': aws.slice(0, 10) }), /in a forwarded header cannot be masked/, 'a key joined across a header cannot be masked');
  const inPool = createClassifier({ inlineChars: 0, decodedBytes: 1 << 20, threads: 1, budgetMs: 60_000 });
  t.teardown(() => inPool.close());
  t.same((await inPool.classify({ input: aws.slice(10) }, { 'idempotency-key': aws.slice(0, 10) })).paths['secret.api_key'], ['header idempotency-key', 'input'], 'the same in the pool');
});
