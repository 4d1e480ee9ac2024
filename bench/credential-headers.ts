// Cost of the duplicated-credential check on the request path (gateway/server/credential-headers.ts):
// µs per call over a typical SDK request's headers and over 100 headers.
import { duplicatedCredential } from '../gateway/server/credential-headers.js';

const typical = ['host', 'x', 'authorization', 'Bearer tg-x', 'content-type', 'application/json', 'user-agent', 'OpenAI/JS 4', 'accept', '*/*', 'content-length', '120', 'x-stainless-os', 'Linux', 'x-stainless-lang', 'js'];
const many = Array.from({ length: 100 }, (_, i) => [`x-h-${i}`, 'v']).flat();
for (const [name, headers] of [['typical (8 headers)', typical], ['100 headers', many]] as const) {
  const n = 1_000_000;
  let found = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (duplicatedCredential(headers)) found++;
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${name}: ${us.toFixed(3)} µs per call${found ? ' (!)' : ''}`);
}
