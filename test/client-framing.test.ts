// Issue 21, client side: requests whose framing an insider bends (Expect: 100-continue and no body, a
// content-length larger than the body sent, a duplicated credential header), on both dialects. Each
// gets an error in its route's dialect; a body that never comes ends at intake.bodyTimeoutMs with a record;
// a second credential header is refused before admission (Node would keep the first authorization); 100
// requests pipelined on one connection are all served in order, each with its final record.
import t from 'tap';
import { connect } from 'node:net';
import { startDemoGateway } from './support/demo-gateway.js';

const BODY_MS = 500;
const gw = await startDemoGateway((c) => {
  c.intake.bodyTimeoutMs = BODY_MS;
});
t.teardown(() => gw.close());
const port = Number(new URL(gw.url).port);

/** Writes raw bytes and collects everything the gateway sends until it closes the connection. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let answer = '';
    s.on('data', (d) => (answer += d.toString()));
    s.on('error', () => undefined);
    s.once('close', () => resolve(answer));
    s.once('connect', () => s.write(bytes));
  });
}

const routes = [
  { path: '/v1/chat/completions', auth: (k: string) => `authorization: Bearer ${k}`, body: (m: string) => JSON.stringify({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: m }] }), shape: /"error":\{"message"/ },
  { path: '/v1/messages', auth: (k: string) => `x-api-key: ${k}\r\nanthropic-version: 2023-06-01`, body: (m: string) => JSON.stringify({ model: 'qwen2.5-7b-instruct', max_tokens: 16, messages: [{ role: 'user', content: m }] }), shape: /"type":"error"/ },
];

const cases = [
  {
    name: 'Expect: 100-continue and then no body',
    request: (r: (typeof routes)[number], key: string) => `POST ${r.path} HTTP/1.1\r\nhost: x\r\n${r.auth(key)}\r\ncontent-type: application/json\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n`,
    status: /HTTP\/1\.1 408/,
    recorded: true,
  },
  {
    name: 'a content-length larger than the body sent',
    request: (r: (typeof routes)[number], key: string) => {
      const body = r.body('hello');
      return `POST ${r.path} HTTP/1.1\r\nhost: x\r\n${r.auth(key)}\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 50}\r\nconnection: close\r\n\r\n${body}`;
    },
    status: /HTTP\/1\.1 408/,
    recorded: true,
  },
  {
    name: 'a duplicated authorization header',
    request: (r: (typeof routes)[number], key: string) => {
      const body = r.body('hello');
      return `POST ${r.path} HTTP/1.1\r\nhost: x\r\n${r.auth(key)}\r\n${r.auth('tg-someone-else')}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
    },
    status: /HTTP\/1\.1 400/,
    recorded: false,
  },
];

for (const c of cases) {
  for (const r of routes) {
    t.test(`${c.name} on ${r.path}`, async (t) => {
      const answer = await raw(c.request(r, gw.key));
      t.match(answer, c.status, 'the status');
      t.match(answer, r.shape, "the error in the route's dialect");
      t.notMatch(answer, gw.key, 'the key is not echoed');
      const id = /"decision_id":"([^"]+)"/.exec(answer)?.[1];
      if (c.recorded) {
        const res = await fetch(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
        const records = ((await res.json()) as { records: Array<{ record: { decision_id: string; status: number } }> }).records.map((x) => x.record);
        t.equal(records.filter((x) => x.decision_id === id).at(-1)?.status, 408, 'the admitted call has its final record');
      }
    });
  }
}

t.test('100 requests pipelined on one keep-alive connection are answered in order, each with its record', async (t) => {
  const body = routes[0].body('hello');
  const one = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${routes[0].auth(gw.key)}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const last = one.replace('HTTP/1.1\r\n', 'HTTP/1.1\r\nconnection: close\r\n');
  const answer = await raw(one.repeat(99) + last);
  const statuses = answer.match(/^HTTP\/1\.1 \d+/gm) ?? [];
  t.equal(statuses.length, 100, 'a hundred answers');
  t.ok(statuses.every((s) => s === 'HTTP/1.1 200'), 'all served');
  const ids = [...answer.matchAll(/x-termsgate-decision-id: (\S+)/g)].map((m) => m[1]);
  const res = await fetch(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const records = ((await res.json()) as { records: Array<{ record: { decision_id: string; status: number } }> }).records.map((x) => x.record);
  t.ok(ids.length === 100 && ids.every((id) => records.filter((r) => r.decision_id === id).at(-1)?.status === 200), 'each call has its final record');
});
