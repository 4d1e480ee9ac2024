// What signing a Bedrock call (SigV4, issue 24) adds to it, in microseconds per call, for a 2.4 KB body
// (the signer hashes the body and derives the signature). Run: npx tsx bench/upstream/sigv4.bench.ts
import { bedrockSigner } from '../../gateway/upstream/aws-signer.js';

const N = 5_000;
const sign = bedrockSigner('bench', 'eu-west-1', async () => ({ accessKeyId: 'AKIABENCHMARKKEY0001', secretAccessKey: 'bench-secret-not-a-real-key-0000000000' }));
const url = new URL('https://bedrock-runtime.eu-west-1.amazonaws.com');
const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'word '.repeat(480) }] }] });
const headers = { 'content-type': 'application/json', 'accept-encoding': 'identity', 'user-agent': 'bench' };
const path = '/model/meta.llama3-1-8b-instruct-v1%3A0/converse';

for (let i = 0; i < 500; i++) await sign({ url, path, headers, body });
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) await sign({ url, path, headers, body });
console.log(`SigV4 signature of a ${(body.length / 1024).toFixed(1)} KB Converse call: ${(Number(process.hrtime.bigint() - t0) / 1000 / N).toFixed(1)} µs per call (n=${N})`);
