// Exports an auditor abandons part-way (a closed laptop, a timeout in front of the gateway): each ends,
// stops reading the log and closes its files, so repeated abandoned exports cannot exhaust the gateway's
// file descriptors or memory; a whole export still works afterwards.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const fds = () => readdirSync('/proc/self/fd').length;
const warnings: string[] = [];
process.on('warning', (w) => void warnings.push(w.message));

t.test('thirty exports abandoned after their first chunk leave no file open', async (t) => {
  // Enough records that an export outgrows the stream buffers and waits for its reader.
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `hello ${i}` }] }) });
    await r.text();
  }
  const before = fds();
  for (let k = 0; k < 30; k++) {
    const ac = new AbortController();
    const res = await request(`${gw.url}/admin/v1/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${gw.adminToken}` }, signal: ac.signal });
    for await (const chunk of res.body) {
      void chunk;
      break;
    }
    ac.abort();
  }
  await new Promise((r) => setTimeout(r, 1_000));
  (globalThis as { gc?: () => void }).gc?.();
  const after = fds();
  t.ok(after <= before + 5, `open file descriptors ${before} before, ${after} after 30 abandoned exports`);
  t.same(warnings.filter((w) => /Closing file descriptor/.test(w)), [], 'no file handle left for the garbage collector to close');
  const whole = await request(`${gw.url}/admin/v1/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const lines = (await whole.body.text()).trim().split('\n');
  t.equal(whole.statusCode, 200);
  t.ok(lines.length > 600, `a whole export afterwards: ${lines.length} lines`);
  t.match(JSON.parse(lines.at(-1)!), { type: 'trailer' }, 'ending with its signed trailer');
});
