// The fingerprint index of a fleet: two gateway processes (dist/gateway/cli/main.js start, so `npx tsc`
// first) share it through PostgreSQL. An output served by one replica is traced by a scan on the other,
// by its fingerprint alone (marks stripped), and a scan of the other's data directory finds it too.
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PG_URL, startFleet } from './support/pg-fleet.js';
import { stripInvisible } from '../gateway/provenance/watermark-reader.js';
import { indexed } from './support/until.js';
import { cliMain } from './support/gateway-process.js';

const fleet = await startFleet(t, 'index-fleet');
const { adminToken, virtualKey, schema } = fleet;

async function startReplica(t: Tap.Test): Promise<{ url: string; adminToken: string; dataDir: string }> {
  const replica = await fleet.startReplica(t, (config) => (config.provenanceIndex = { backend: 'postgres', postgresUrl: PG_URL, schema, followMs: 300 }));
  return { ...replica, adminToken };
}

async function serve(url: string, prompt: string): Promise<{ id: string; text: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return { id: res.headers.get('x-termsgate-decision-id')!, text: body.choices[0].message.content };
}

t.test('an output served by one replica is traced by a scan on the other', async (t) => {
  const [a, b] = await Promise.all([startReplica(t), startReplica(t)]);
  const fromA = await serve(a.url, 'Tell me about the state of the union in the year of the great flood.');
  const fromB = await serve(b.url, 'Describe the budget debates of the last session, at length please.');
  t.ok(fromA.id && fromB.id && fromA.text.length > 100, 'both replicas answered');
  // Polls each replica's detect route until it traces both outputs (marks stripped: by fingerprint) to their decisions.
  const both = [fromA, fromB].map((s) => ({ id: s.id, text: stripInvisible(s.text) }));
  await indexed(b, both);
  await indexed(a, both);
  const res = await fetch(`${b.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts: [stripInvisible(fromA.text)] }),
  });
  const [onB] = ((await res.json()) as { results: { origin: string; decision_id: string }[] }).results;
  t.match(onB, { origin: 'fingerprint', decision_id: fromA.id }, "A's output traced on B");

  const file = join(b.dataDir, 'scan.jsonl');
  writeFileSync(file, JSON.stringify({ text: stripInvisible(fromA.text) }) + '\n');
  const scan = spawnSync(process.execPath, [cliMain, 'provenance', 'scan', file, '--field', 'text', '--format', 'jsonl', '--data-dir', b.dataDir], { encoding: 'utf8' });
  t.match(JSON.parse(scan.stdout.split('\n')[0]), { decision_id: fromA.id }, "the scan CLI on B's data directory finds A's output");
});
