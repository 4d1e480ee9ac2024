// The demo (`termsgate start`, demo mode, built) serves an Azure OpenAI and a Bedrock model from its mock
// provider (issue 24): the official openai SDK gets answers from both, streamed and not; the Bedrock call is
// SigV4-signed with the demo's own AWS credentials and checked by the mock; both are recorded under the
// cloud's terms as well as the model's, so neither is trainable while those terms are unverified.
import t from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { tokenClaims } from '../gateway/signing/provenance-token.js';
import { cliMain } from './support/gateway-process.js';

const virtualKey = 'tg-demo-' + randomBytes(12).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-demo-clouds-'));
// A developer's AWS session token in the environment does not stop the demo's Bedrock calls.
const proc = spawn(process.execPath, [cliMain, 'start', '--demo', '--port', '0', '--data-dir', dataDir], {
  env: { ...process.env, TERMSGATE_DEMO_KEY: virtualKey, TERMSGATE_LOG_LEVEL: 'warn', AWS_SESSION_TOKEN: 'a-developers-session-token' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const exited = new Promise((resolve) => proc.once('exit', resolve));
t.teardown(async () => {
  proc.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
});
let out = '';
proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
// The banner's `models:` line is written after the listening line, and may come in a later chunk.
for (let waited = 0; !/termsgate listening on (\S+)/.test(out) || !/models: /.test(out); waited += 50) {
  if (proc.exitCode !== null || waited > 60_000) throw new Error(`the demo did not start:\n${out}`);
  await new Promise((r) => setTimeout(r, 50));
}
const url = /termsgate listening on (\S+)/.exec(out)![1];
const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: virtualKey, maxRetries: 0 });

for (const [model, licence] of [
  ['gpt-4o-mini-azure', 'azure-openai-product-terms'],
  ['llama-3.1-8b-bedrock', 'llama-3.1-8b-instruct'],
] as const) {
  t.test(`${model}: answered streamed and not, recorded under its terms, not trainable`, async (t) => {
    t.match(out, new RegExp(`models: .*${model.replace(/[.]/g, '\\.')}`), 'listed in the demo banner');
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about lighthouses.' }] }).withResponse();
    t.ok((data.choices[0].message.content ?? '').length > 20, 'an answer');
    const claims = tokenClaims(response.headers.get('x-termsgate-provenance') ?? '');
    t.equal(claims?.licence, licence, 'the provenance token names the licence');
    t.equal(claims?.trainable, false, "the cloud's unverified terms bind too");
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about lighthouses.' }], stream: true })) streamed += chunk.choices[0]?.delta?.content ?? '';
    t.ok(streamed.length > 20, 'a streamed answer');
  });
}
