// A witness that never stops answering, or trickles its answer: each submission ends at the client's total
// deadline or its answer bound, reported as that witness's failure, with the witness's connection closed.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WitnessClient } from './client.js';
import { openAnswers, pour, type Poured } from '../../../test/support/endless-answer.js';

let mode: 'endless' | 'trickle' = 'endless';
const poured: Poured = { sent: 0 };
const { open, track } = openAnswers();
const server = createServer((req, res) => {
  req.resume();
  track(res);
  res.writeHead(200, { 'content-type': 'text/plain' });
  if (mode === 'trickle') {
    const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('\u2014 ')), 50);
    res.on('close', () => clearInterval(drip));
    return;
  }
  pour(res, Buffer.alloc(64 * 1024, 0x41), poured);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => {
  for (const res of open) res.destroy();
  server.close();
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const checkpoint = { origin: 'termsgate.test/log', size: 3, root: Buffer.alloc(32), time: '2026-12-05T00:00:00Z', note: 'termsgate.test/log\n3\nAAAA\n\n\u2014 termsgate.test/log AAAA\n' };

t.test('an endless answer is cut at its bound and reported as the witness failing', async (t) => {
  mode = 'endless';
  const client = new WitnessClient([{ url, key: 'w+00000000+AAAA' }], undefined, 2_000);
  const started = Date.now();
  const r = await client.cosign(checkpoint, async () => []);
  t.equal(r.cosigned, 0);
  t.match(r.failures, [/answered more than 65536 bytes/]);
  t.ok(Date.now() - started < 1_500, `cut as it was read (${Date.now() - started} ms)`);
  await new Promise((r) => setTimeout(r, 100));
  t.ok(poured.sent < 64 * 1024 * 1024, `the witness's flood was read no further: ${(poured.sent / 1024 / 1024).toFixed(1)} MiB sent`);
  t.equal(open.size, 0, 'the connection is closed');
});

t.test('a trickled answer ends at the total deadline, though each byte comes in time', async (t) => {
  mode = 'trickle';
  const client = new WitnessClient([{ url, key: 'w+00000000+AAAA' }], undefined, 600);
  const started = Date.now();
  const r = await client.cosign(checkpoint, async () => []);
  const took = Date.now() - started;
  t.match(r.failures, [/no whole answer within 600 ms/]);
  t.ok(took >= 550 && took < 3_000, `ended at the deadline (${took} ms)`);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(open.size, 0, 'the connection is closed');
});
