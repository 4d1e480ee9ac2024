// Cost of the intake's encoding check on the request path (gateway/server/intake.ts unreadableEncoding:
// content-encoding and the content-type's charset), µs per call, and of a malformed body's message.
import { parseJson, unreadableEncoding } from '../gateway/server/intake.js';

const cases = [
  ['application/json', { 'content-type': 'application/json' }],
  ['application/json; charset=utf-8', { 'content-type': 'application/json; charset=utf-8' }],
  ['content-encoding identity', { 'content-type': 'application/json', 'content-encoding': 'identity' }],
] as const;
for (const [name, headers] of cases) {
  const n = 1_000_000;
  let refused = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (unreadableEncoding(headers)) refused++;
  console.log(`${name}: ${(Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(3)} µs per call${refused ? ' (!)' : ''}`);
}
const malformed = `{"model":"m","messages":[{"role":"user","content":AKIAIOSFODNN7EXAMPLE}]}`;
const n = 100_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  try {
    parseJson(malformed, 64);
  } catch {
    // the refusal is what is timed
  }
}
console.log(`a malformed body refused, message made: ${(Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(2)} µs per call`);
