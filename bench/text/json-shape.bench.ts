// Cost of the pre-parse scan of a request body or provider answer (gateway/text/json-nesting.ts:
// nesting depth and, since issue 21's wide-object bound, members per object), µs per KB, on three shapes:
// a chat body of prose, many small objects (tool schemas), and a long array of numbers (token ids).
// Run: npx tsx bench/text/json-shape.bench.ts
import { jsonShapeFault } from '../../gateway/text/json-nesting.js';

const words = 'The keeper climbed the stairs at dusk and lit the lamp for the ships. ';
const bodies: [string, string][] = [
  ['chat prose, 64 KB', JSON.stringify({ model: 'm', messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: words.repeat(23) })) })],
  ['small objects, 64 KB', JSON.stringify({ tools: Array.from({ length: 300 }, (_, i) => ({ type: 'function', function: { name: `f${i}`, parameters: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } } } })) })],
  ['token ids, 64 KB', JSON.stringify({ input: Array.from({ length: 13000 }, (_, i) => i % 50000) })],
];
const scan = (raw: string) => jsonShapeFault(raw, 64, 1000);
for (let round = 1; round <= 3; round++) {
  const parts = bodies.map(([name, raw]) => {
    const n = 2000;
    for (let i = 0; i < 200; i++) scan(raw);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) scan(raw);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
    return `${name} ${(us / (raw.length / 1024)).toFixed(3)} µs/KB`;
  });
  console.log(`round ${round}: ${parts.join('; ')}`);
}
