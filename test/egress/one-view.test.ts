// One view of what leaves (issue 23, #3), at the capture server: a key split between a forwarded header
// and the body is refused, nothing reaches the provider; the same header and body without it are
// forwarded, the header included.
import t from 'tap';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, chat, messages } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

t.test('an AWS key split between user-agent and the message content', async (t) => {
  const key = awsKeyId();
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `${key.slice(9)} is the rest` }] }, { 'user-agent': `deploy-tool/2.1 ${key.slice(0, 9)}` });
  t.equal(r.status, 403);
  t.match(r.body.error?.message, /header user-agent/, 'the denial names the header');
  t.equal(r.received, '', 'nothing reached the provider');
});

t.test('a GitHub token split between idempotency-key and an Anthropic message', async (t) => {
  const token = 'ghp_' + 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm9Nb8V'.slice(0, 36);
  const r = await send(gw, messages, { model: messages.model, max_tokens: 8, messages: [{ role: 'user', content: token.slice(14) }] }, { 'idempotency-key': token.slice(0, 14) });
  t.equal(r.status, 403);
  t.equal(r.received, '');
});

t.test('the same header and body without a key are forwarded, the header included', async (t) => {
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'is the rest' }] }, { 'user-agent': 'deploy-tool/2.1 build-7' });
  t.equal(r.status, 200);
  t.match(r.received, 'deploy-tool/2.1 build-7');
});
