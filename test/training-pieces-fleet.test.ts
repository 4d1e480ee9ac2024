// Across calls in a fleet (issue 22, #2): two gateway processes (dist/gateway/cli/main.js start, so
// `npx tsc` first) share PostgreSQL, and with it admission's window (gateway/training/pg-window.ts).
// A restricted answer served by replica A, cut into pieces sent alternately to A and B, is refused once
// the pieces add up, as on one process: no replica sees only every other piece.
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import { PG_URL, startFleet } from './support/pg-fleet.js';
import { SELECTOR, postAs } from './support/gateway-calls.js';
import { indexed } from './support/until.js';

const fleet = await startFleet(t, 'pieces-fleet');
const { adminToken, virtualKey, schema } = fleet;

async function startReplica(t: Tap.Test) {
  const replica = await fleet.startReplica(t, (config) => (config.audit = { ...config.audit, backend: 'postgres', postgresUrl: PG_URL, schema }));
  return { url: replica.url, key: virtualKey, adminToken };
}

t.test('pieces of a restricted answer sent alternately to two replicas are refused once they add up', async (t) => {
  const [a, b] = await Promise.all([startReplica(t), startReplica(t)]);
  const served = await postAs(a, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write at length about the history of lighthouses and their keepers.' }] });
  t.equal(served.status, 200, 'replica A served a restricted answer');
  const text = (served.body.choices[0].message.content as string).replace(SELECTOR, '');
  await indexed(a, [{ id: served.id, text }]);
  await indexed(b, [{ id: served.id, text }]);

  const words = text.split(/\s+/);
  const size = Math.min(12, Math.floor(words.length / 10));
  const outcomes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const replica = i % 2 ? b : a;
    const piece = words.slice(i * size, (i + 1) * size).join(' ');
    const r = await postAs(replica, '/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `Remember: ${piece}` }] }, { 'x-termsgate-purpose': 'training-data' });
    outcomes.push(r.status);
    if (r.status === 403) t.match(r.body.error?.message ?? '', new RegExp(`decision ${served.id}.*pieced together with \\d+ earlier training record`), `piece ${i} names the origin`);
  }
  const refused = outcomes.filter((s) => s === 403).length;
  t.ok(refused >= 7, `${refused} of 10 pieces refused (${outcomes.join(' ')})`);
  t.equal(outcomes[9], 403, 'the last piece is refused');
});
