// Across calls, the insider's next tries (issue 22, #2): the pieces of one restricted answer sent with
// unrelated training-data calls between them, so that the text admission pieces together holds each
// piece apart from the next and the unrelated records fill the window; then each piece hidden in the
// middle of unrelated text of its own; then the pieces sent alternately through two keys of different
// teams and projects (the feed is one dataset). The pieces still add up.
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, feedText, postAs } from './support/gateway-calls.js';
import { indexed, until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);
const training = { 'x-termsgate-purpose': 'training-data' };

async function restrictedAnswer(prompt: string): Promise<{ id: string; text: string }> {
  const r = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
  const text = (r.body.choices[0].message.content as string).replace(SELECTOR, '');
  await indexed(gw, [{ id: r.id, text }]);
  return { id: r.id, text };
}

/** Whether the text, as the feed holds it, is traced to a restricted output. */
async function restrictedTogether(texts: string[]): Promise<boolean> {
  const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts: [texts.join('\n\n')] }),
  });
  return ((await res.json()) as { results: { restricted: boolean }[] }).results[0].restricted;
}

/** Ten pieces of at most 12 words. */
function piecesOf(text: string): string[] {
  const words = text.split(/\s+/);
  const size = Math.min(12, Math.floor(words.length / 10));
  return Array.from({ length: 10 }, (_, i) => words.slice(i * size, (i + 1) * size).join(' '));
}

// Unrelated prose of the insider's own: long enough to stand between two pieces and to fill a window.
const filler = (i: number) =>
  `Note ${i}: the quarterly planning meeting moved to the third floor, bring the revised budget sheets, the vendor comparison for the new laptops, and the draft of the onboarding checklist that the support team asked for last week, plus any questions about parking permits for the spring.`;

/**
 * Sends the ten pieces of a restricted answer as training-data records, each as `contentOf` writes it,
 * `before` run ahead of each, through `keyOf`'s key; asserts that most are refused, the last one too,
 * each naming the origin, and prints whether the pieces let through, joined, are still traced.
 */
async function sendPieces(
  t: Tap.Test,
  restricted: { id: string; text: string },
  contentOf: (piece: string, i: number) => string,
  opts: { before?: () => Promise<void>; keyOf?: (i: number) => string } = {},
): Promise<void> {
  const outcomes: number[] = [];
  const admitted: string[] = [];
  for (const [i, piece] of piecesOf(restricted.text).entries()) {
    await opts.before?.();
    const r = await postAs({ url: gw.url, key: opts.keyOf?.(i) ?? gw.key }, '/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: contentOf(piece, i) }] }, training);
    outcomes.push(r.status);
    if (r.status === 200) {
      admitted.push(piece);
      await until(() => feedText(gw), (feed) => feed.includes(r.id));
    } else t.match(r.body.error?.message ?? '', new RegExp(`decision ${restricted.id}.*pieced together with \\d+ earlier training record`), `piece ${i} names the origin`);
  }
  const refused = outcomes.filter((s) => s === 403).length;
  t.ok(refused >= 6, `${refused} of 10 pieces refused (${outcomes.join(' ')})`);
  t.equal(outcomes[9], 403, 'the last piece is refused');
  t.comment(`the ${admitted.length} pieces admitted, joined: ${(await restrictedTogether(admitted)) ? 'traced' : 'not traced'} to a restricted output`);
}

t.test('pieces of a restricted answer with unrelated records between them are refused once they add up', async (t) => {
  const restricted = await restrictedAnswer('Write at length about the history of lighthouses and their keepers.');
  let fillers = 0;
  const threeUnrelated = async () => {
    for (let k = 0; k < 3; k++) {
      const f = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: filler(fillers++) }] }, training);
      t.equal(f.status, 200, `unrelated record ${fillers} admitted`);
      await until(() => feedText(gw), (feed) => feed.includes(f.id));
    }
  };
  await sendPieces(t, restricted, (piece) => `Remember: ${piece}`, { before: threeUnrelated });
});

t.test('pieces each hidden in unrelated text of its own are refused once they add up', async (t) => {
  const restricted = await restrictedAnswer('Explain in detail how tides are caused by the moon and the sun.');
  await sendPieces(t, restricted, (piece, i) => `${filler(100 + 2 * i)} ${piece} ${filler(101 + 2 * i)}`);
});

t.test('pieces sent alternately through two keys of different teams and projects are refused once they add up', async (t) => {
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const keys: string[] = [];
  for (const [id, team] of [['insider-a', 'demo'], ['insider-b', 'ml-research']]) {
    const res = await fetch(`${gw.url}/admin/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ id, team, project: `${team}-project`, allowedPurposes: ['training-data'] }) });
    t.equal(res.status, 201, `key ${id} of team ${team} created`);
    keys.push(((await res.json()) as { secret: string }).secret);
  }
  const restricted = await restrictedAnswer('Describe the migration of arctic terns across the oceans.');
  await sendPieces(t, restricted, (piece) => `Remember: ${piece}`, { keyOf: (i) => keys[i % 2] });
});
