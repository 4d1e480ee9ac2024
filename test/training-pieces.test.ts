// Across calls (issue 22, #2), through the real gateway: one restricted answer cut into short pieces,
// each under the span threshold and sent in its own training-data call, is refused once the pieces
// add up, naming the origin decision; the feed never holds the pieces after that.
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, feedText, postAs } from './support/gateway-calls.js';
import { indexed, until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);

const feed = () => feedText(gw);

const restricted = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write at length about the history of lighthouses and their keepers.' }] });
const text = (restricted.body.choices[0].message.content as string).replace(SELECTOR, '');
await indexed(gw, [{ id: restricted.id, text }]);

t.test('a restricted answer sent in ten pieces of at most 12 words is refused once the pieces add up', async (t) => {
  const words = text.split(/\s+/);
  const size = Math.min(12, Math.floor(words.length / 10));
  const pieces = Array.from({ length: 10 }, (_, i) => words.slice(i * size, (i + 1) * size).join(' '));
  t.ok(size >= 8, `ten pieces of ${size} words`);
  const alone = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts: pieces }),
  });
  const results = ((await alone.json()) as { results: { restricted: boolean }[] }).results;
  t.ok(results.every((r) => !r.restricted), 'each piece alone is under the span threshold');

  const outcomes: { status: number; id: string; message: string }[] = [];
  for (const piece of pieces) {
    const r = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `Remember: ${piece}` }] }, { 'x-termsgate-purpose': 'training-data' });
    outcomes.push({ status: r.status, id: r.id, message: r.body.error?.message ?? '' });
    // The window holds what was admitted: wait until an admitted piece's record is in the feed.
    if (r.status === 200) await until(feed, (f) => f.includes(r.id));
  }
  const refused = outcomes.filter((o) => o.status === 403);
  t.ok(refused.length >= 7, `${refused.length} of 10 pieces refused`);
  t.equal(outcomes[9].status, 403, 'the last piece is refused');
  for (const o of refused) t.match(o.message, new RegExp(`decision ${restricted.id}.*pieced together with \\d+ earlier training record`), 'names the origin and the earlier records');
  const first = outcomes.findIndex((o) => o.status === 403);
  t.ok(outcomes.slice(first).every((o) => o.status === 403), 'once the pieces add up, every later piece is refused');
});

t.test('pieces each in another disguise (base64, HTML entities, ROT13) are read as one answer and refused once they add up', async (t) => {
  // Another restricted answer: the evidence the test above left is of its own.
  const other = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe in detail how canals and their locks were built and kept.' }] });
  const otherText = (other.body.choices[0].message.content as string).replace(SELECTOR, '');
  await indexed(gw, [{ id: other.id, text: otherText }]);
  const words = otherText.split(/\s+/);
  const size = Math.min(12, Math.floor(words.length / 10));
  const disguises = [
    (s: string) => Buffer.from(s).toString('base64'),
    (s: string) => [...s].map((c) => (/[a-z]/i.test(c) ? `&#${c.charCodeAt(0)};` : c)).join(''),
    (s: string) => s.replace(/[a-z]/gi, (c) => String.fromCharCode((c <= 'Z' ? 65 : 97) + ((c.toUpperCase().charCodeAt(0) - 65 + 13) % 26))),
  ];
  const outcomes: { status: number; message: string }[] = [];
  for (let i = 0; i < 10; i++) {
    const piece = disguises[i % 3](words.slice(i * size, (i + 1) * size).join(' '));
    const r = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `Remember: ${piece}` }] }, { 'x-termsgate-purpose': 'training-data' });
    outcomes.push({ status: r.status, message: r.body.error?.message ?? '' });
    if (r.status === 200) await until(feed, (f) => f.includes(r.id));
  }
  const refused = outcomes.filter((o) => o.status === 403);
  t.ok(refused.length >= 5, `${refused.length} of 10 disguised pieces refused`);
  t.equal(outcomes[9].status, 403, 'the last piece is refused');
  for (const o of refused) t.match(o.message, `decision ${other.id}`, 'names the origin');
});
