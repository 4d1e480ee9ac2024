// Every placement of a secret the issue names, at the capture server: the call is denied, the denial
// names the path, and the stand-in provider never receives the request. The same body without the
// secret does reach the provider, so each placement is one the gateway really forwards.
import t from 'tap';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, completions, embeddings, placements, privateKeyPem } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

for (const header of ['user-agent', 'idempotency-key', 'openai-beta']) {
  t.test(`forwarded header: ${header}`, async (t) => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const clean = await send(gw, placements[0].endpoint, body, { [header]: 'nothing-secret-here' });
    t.match(clean.received, 'nothing-secret-here', 'the provider receives this header');
    const r = await send(gw, placements[0].endpoint, body, { [header]: `x ${awsKeyId()}` });
    t.equal(r.status, 403);
    t.match(r.body.error?.message, `header ${header}`, 'the denial names the header');
    t.equal(r.received, '', 'nothing reached the provider');
  });
}

for (const placement of placements) {
  t.test(placement.name, async (t) => {
    const clean = await send(gw, placement.endpoint, placement.body('nothing secret here'));
    t.equal(clean.status, 200, 'without a secret the body is forwarded');
    t.match(clean.received, 'nothing secret here', 'the provider receives this field');
    for (const [kind, secret] of [['AWS access key', awsKeyId()], ['PEM private key', privateKeyPem()]] as const) {
      const r = await send(gw, placement.endpoint, placement.body(secret));
      t.equal(r.status, 403, `${kind}: denied`);
      t.match(r.body.error?.message, placement.path, `${kind}: the denial names the path`);
      t.equal(r.received, '', `${kind}: nothing reached the provider`);
      t.notMatch(JSON.stringify(r.body), secret.slice(0, 20), `${kind}: the denial does not echo the secret`);
    }
  });
}

// Token ids spell whatever the tokenizer decodes them to (a key, cut into ids, reads as numbers), so
// they are refused to external providers rather than forwarded unread.
for (const [name, endpoint, body, path] of [
  ['embeddings: input as token ids', embeddings, { model: embeddings.model, input: [32, 42, 40, 1311, 2246] }, 'input'],
  ['embeddings: input as arrays of token ids', embeddings, { model: embeddings.model, input: ['hello', [32, 42, 40]] }, 'input[1]'],
  ['completions: prompt as token ids', completions, { model: completions.model, prompt: [[9906, 11], [32, 42]] }, 'prompt[0], prompt[1]'],
] as const) {
  t.test(name, async (t) => {
    const r = await send(gw, endpoint, body);
    t.equal(r.status, 403, 'denied');
    t.match(r.body.error?.message, `secrets.unreadable_token_ids`);
    t.match(r.body.error?.message, `token ids at ${path},`, 'the denial names where');
    t.equal(r.received, '', 'nothing reached the provider');
  });
}
