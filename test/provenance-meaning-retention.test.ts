// Retention reaches the meaning index through the built CLI (dist/, so `npx tsc` first): a restricted
// answer served by a running gateway is traced by meaning; `termsgate audit purge-content` with a cutoff
// past it says the gateway holds the semantic log, and the gateway forgets the output within
// provenance.semantic.retentionCheckMs — its log no longer holds it and a rewording is no longer traced.
// Once the gateway has stopped, the CLI purges a log itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { startFleet } from './support/pg-fleet.js';
import { paraphrase } from '../gateway/mock-upstream/paraphrase.js';
import { stripInvisible } from '../gateway/provenance/watermark-reader.js';
import { semanticLogPath } from '../gateway/provenance/semantic/semantic-log.js';
import { until } from './support/until.js';
import { cliMain } from './support/gateway-process.js';

const fleet = await startFleet(t, 'meaning-retention');
const { adminToken, virtualKey } = fleet;

async function chat(url: string, body: unknown): Promise<{ status: number; id: string; body: Record<string, any> }> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, id: res.headers.get('x-termsgate-decision-id')!, body: (await res.json()) as Record<string, any> };
}

async function meaningOn(url: string, text: string): Promise<string[]> {
  const res = await fetch(`${url}/admin/v1/provenance/detect`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ texts: [text] }) });
  const { results } = (await res.json()) as { results: { spans: { origin: string; decision_id: string }[] }[] };
  return results[0].spans.filter((s) => s.origin === 'semantic').map((s) => s.decision_id);
}

const purge = (dataDir: string, olderThan: Date) => spawnSync(process.execPath, [cliMain, 'audit', 'purge-content', '--data-dir', dataDir, '--older-than', olderThan.toISOString()], { encoding: 'utf8' });

t.test('purge-content beside a running gateway: the gateway forgets the output from its meaning index', async (t) => {
  const { url, dataDir } = await fleet.startReplica(t, (config) => (config.provenance.semantic.retentionCheckMs = 1000));
  const restricted = await chat(url, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe the state of our schools.' }] });
  t.equal(restricted.status, 200);
  const reworded = paraphrase(stripInvisible(restricted.body.choices[0].message.content as string));
  t.ok((await until(() => meaningOn(url, reworded), (ids) => ids.length > 0)).includes(restricted.id), 'traced by meaning before the purge');

  // A cutoff two hours ahead: the answer was served before it, and more than SEEN_FOR_MS (an hour) before.
  const r = purge(dataDir, new Date(Date.now() + 2 * 3_600_000));
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /purged 0 outputs served before .* from the meaning index/);
  t.match(r.stdout, /1 more in .*semantic\.log: semantic log .* is open for writing by process \d+, which forgets them within provenance\.semantic\.retentionCheckMs/);
  await until(() => Promise.resolve(readFileSync(semanticLogPath(dataDir)).includes(restricted.id)), (held) => !held);
  t.same(await meaningOn(url, reworded), [], 'no longer traced by meaning');

  // Served again after the purge: indexed afresh.
  const again = await chat(url, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe the state of our schools.' }] });
  const rewordedAgain = paraphrase(stripInvisible(again.body.choices[0].message.content as string));
  t.ok((await until(() => meaningOn(url, rewordedAgain), (ids) => ids.length > 0)).includes(again.id));
});
