// Issue 21, client side: a slowloris opens connections and trickles header bytes to take every file
// descriptor. With limits.clientConnections 50 and limits.clientHeadersMs 600: 3 calls admitted before
// (the provider holds them 3 s) and 47 trickling sockets are held, the 51st is closed at once without an
// answer, the 3 calls finish with their final records, the 47 are cut once their head has not arrived within
// clientHeadersMs, nothing else is recorded (no trickling call was admitted), a normal call through the `openai` package is
// then served, and the process's socket descriptors return to its baseline. Loopback only, bounded loops.
import t from 'tap';
import { readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';
import { clientConnectionCap, descriptorReserve, openFileLimit } from '../gateway/server/client-connections.js';

const CAP = 50;
const HEADERS_MS = 600;
const gw = await startDemoGateway((c) => {
  c.limits.clientConnections = CAP;
  c.limits.clientHeadersMs = HEADERS_MS;
  c.limits.clientKeepAliveMs = 1_000;
});
t.teardown(() => gw.close());
const port = Number(new URL(gw.url).port);
// Sockets only: other descriptors (a worker thread started on first use, a new audit tree level) are state, not connections.
const sockets = () => readdirSync('/proc/self/fd').filter((f) => { try { return readlinkSync(`/proc/self/fd/${f}`).startsWith('socket:'); } catch { return false; } }).length;
const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
const call = () => client.chat.completions.create({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Say hello.' }] });

type AuditRecord = { decision_id: string; phase: string; status: number };
async function allRecords(): Promise<AuditRecord[]> {
  const res = await fetch(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  return ((await res.json()) as { records: Array<{ record: AuditRecord }> }).records.map((r) => r.record);
}
const recordCount = async () => (await allRecords()).length;

interface Trickler {
  socket: Socket;
  closed: boolean;
  answer: string;
}

/** A client that sends a request line and then one header byte every 100 ms, never ending its head. */
function trickler(): Promise<Trickler> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const tr: Trickler = { socket: s, closed: false, answer: '' };
    let timer: NodeJS.Timeout | undefined;
    s.on('data', (d) => (tr.answer += d.toString()));
    s.on('error', () => undefined);
    s.once('close', () => {
      tr.closed = true;
      clearInterval(timer);
    });
    s.once('connect', () => {
      s.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-slow: ');
      timer = setInterval(() => s.writable && s.write('a'), 100);
      resolve(tr);
    });
    s.once('error', reject);
  });
}

t.test('the cap: a descriptor reserve under ulimit -n, a value without one refused', async (t) => {
  t.equal(clientConnectionCap(undefined, 20_000), 10_000);
  t.equal(clientConnectionCap(undefined, 1_024), 1_024 - 256);
  t.equal(clientConnectionCap(15_000, 20_000), 15_000);
  t.throws(() => clientConnectionCap(15_001, 20_000), /leaves too few/);
  t.throws(() => clientConnectionCap(undefined, 200), /no room/);
  t.equal(clientConnectionCap(undefined, undefined), 4_096);
  t.equal(descriptorReserve(20_000), 5_000);
  t.equal(openFileLimit(() => 'Limit Soft Hard Units\nMax open files            20000                20000                files\n'), 20_000);
  t.equal(openFileLimit(() => 'Max open files            unlimited            unlimited            files\n'), undefined);
  t.equal(openFileLimit(() => { throw new Error('no /proc'); }), undefined);
});

t.test(`a slowloris of ${CAP} + 1 connections trickling headers`, async (t) => {
  const baseline = sockets();
  await call();
  const before = await recordCount();
  // Keep-alive connections of the warm-up (to the gateway and to the provider) would hold slots of the cap.
  await until(async () => sockets(), (n) => n <= baseline, 15_000);

  // Calls admitted before the attack, each on its own connection, held by the provider for 3 s.
  const ADMITTED = 3;
  const admittedClient = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  const admitted = Array.from({ length: ADMITTED }, () =>
    admittedClient.chat.completions.create({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Say hello. mock:latency=3000' }] }).withResponse(),
  );
  await until(async () => sockets(), (n) => n >= baseline + 2 * ADMITTED, 5_000);
  const held = await Promise.all(Array.from({ length: CAP - ADMITTED }, trickler));
  // The server accepts asynchronously: each held socket has had a byte read once its x-slow grew.
  await new Promise((r) => setTimeout(r, 150));
  const extra = await trickler();
  const extraClosed = await until(async () => extra.closed, (c) => c, 5_000);
  t.ok(extraClosed, 'the connection beyond limits.clientConnections is closed');
  t.equal(extra.answer, '', 'without an answer');
  const open = held.filter((h) => !h.closed).length;
  t.equal(open, CAP - ADMITTED, 'the admitted connections were still open when the extra one was closed');

  const allCut = await until(async () => held.every((h) => h.closed), (c) => c, 10_000);
  t.ok(allCut, 'every trickling connection is closed once its head did not arrive within limits.clientHeadersMs');
  t.ok(held.every((h) => h.answer === '' || h.answer.startsWith('HTTP/1.1 408')), 'each got nothing or a 408');
  const served = await Promise.all(admitted);
  t.ok(served.every(({ data }) => data.choices[0].message.content), 'the calls admitted before the attack finished');
  const records = await allRecords();
  let admittedRecords = 0;
  for (const { response } of served) {
    const own = records.filter((r) => r.decision_id === response.headers.get('x-termsgate-decision-id'));
    t.equal(own.at(-1)?.status, 200, 'an admitted call has its final record');
    admittedRecords += own.length;
  }
  t.equal(records.length, before + admittedRecords, 'nothing else was recorded: no trickling call was admitted');

  const answer = await call();
  t.ok(answer.choices[0].message.content, 'a normal call through the openai package is served after the attack');
  const settled = await until(async () => sockets(), (n) => n <= baseline, 15_000);
  t.ok(settled <= baseline, `socket descriptors back to the baseline (${settled} now, ${baseline} before)`);
});
