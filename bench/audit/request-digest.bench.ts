// What naming a call's request in its records costs per call: each record named it by digest, so the
// request was serialised canonically and hashed once per record, and once more by the content store;
// a CanonicalValue does it once. Prints µs per call for a typical chat body and a 64 KB one.
// Run: npx tsx bench/audit/request-digest.bench.ts
import { CanonicalValue, canonicalDigest, canonicalJson, contentDigest } from '../../gateway/core/canonical-json.js';
import { chatBody } from '../request-body.js';

const small = JSON.parse(chatBody(false)) as Record<string, unknown>;
const sentence = 'The committee will meet again on Thursday to review the figures for the third quarter. ';
const large = { ...small, messages: [{ role: 'user', content: sentence.repeat(Math.ceil(65_536 / sentence.length)) }] };

function perCall(fn: () => void, n: number): number {
  for (let i = 0; i < n / 10; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  return best;
}

for (const [name, body, n] of [['chat body', small, 20_000], ['64 KB prompt', large, 500]] as const) {
  // started record (digest), final record (digest) and the content store (text and digest).
  const before = perCall(() => {
    contentDigest(body);
    contentDigest(body);
    canonicalDigest(canonicalJson(body));
  }, n);
  const after = perCall(() => {
    const c = new CanonicalValue(body);
    contentDigest(c);
    contentDigest(c);
    void c.text;
  }, n);
  console.log(`${name} (${JSON.stringify(body).length} B): per record ${before.toFixed(1)} µs per call, once per call ${after.toFixed(1)} µs per call (${(before / after).toFixed(1)} ×)`);
}
