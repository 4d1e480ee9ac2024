// The meaning index of a fleet: two gateway processes (dist/gateway/cli/main.js start, so `npx tsc` first)
// share it through PostgreSQL rows. A restricted answer served by replica A, reworded by the mock teacher's
// paraphrase and offered for training through replica B, is refused as traced by meaning to A's decision;
// unrelated text is admitted on B. Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PG_URL, startFleet } from './support/pg-fleet.js';
import { paraphrase } from '../gateway/mock-upstream/paraphrase.js';
import { stripInvisible } from '../gateway/provenance/watermark-reader.js';
import { until } from './support/until.js';
import { cliMain } from './support/gateway-process.js';

const fleet = await startFleet(t, 'meaning-fleet');
const { adminToken, virtualKey, schema } = fleet;
const MEANING = /traced by meaning, similarity (0\.\d+|1)\)/;

async function startReplica(t: Tap.Test): Promise<{ url: string; dataDir: string }> {
  return fleet.startReplica(t, (config) => (config.provenanceIndex = { backend: 'postgres', postgresUrl: PG_URL, schema, followMs: 300 }));
}

async function chat(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; id: string; body: Record<string, any> }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.headers.get('x-termsgate-decision-id')!, body: (await res.json()) as Record<string, any> };
}

const asTrainingData = (url: string, text: string) =>
  chat(url, { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Polish this.' }, { role: 'assistant', content: text }, { role: 'user', content: 'Thanks.' }] }, { 'x-termsgate-purpose': 'training-data' });

async function meaningOn(url: string, text: string): Promise<{ origin: string; decision_id: string }[]> {
  const res = await fetch(`${url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts: [text] }),
  });
  return ((await res.json()) as { results: { spans: { origin: string; decision_id: string }[] }[] }).results[0].spans.filter((s) => s.origin === 'semantic');
}

t.test("a rewording of A's restricted answer is refused for training on B, traced by meaning to A's decision", async (t) => {
  const [{ url: a }, { url: b, dataDir: dirB }] = await Promise.all([startReplica(t), startReplica(t)]);
  const restricted = await chat(a, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe the state of our schools.' }] });
  t.equal(restricted.status, 200, 'A served the restricted answer');
  const reworded = paraphrase(stripInvisible(restricted.body.choices[0].message.content as string));
  // B follows A's rows within followMs of A indexing them; admission on B does not wait for A (README: the window).
  const spans = await until(() => meaningOn(b, reworded), (s) => s.some((x) => x.decision_id === restricted.id));
  t.ok(spans.some((s) => s.decision_id === restricted.id), "B's meaning index followed A's output");

  const offered = await asTrainingData(b, reworded);
  t.equal(offered.status, 403, 'refused on B');
  t.match(offered.body.error.message, restricted.id, "naming A's decision");
  t.match(offered.body.error.message, MEANING, 'traced by meaning');

  const clean = await asTrainingData(b, 'The town council met on Tuesday to approve repairs to the harbour road. Members asked for a detailed budget before the spring, and the mayor thanked the volunteers who run the library on weekends.');
  t.equal(clean.status, 200, 'unrelated text is admitted on B');

  // B's local log holds what it followed, so a scan of B's data directory traces the rewording to A too.
  const file = join(dirB, 'scan.jsonl');
  writeFileSync(file, JSON.stringify({ text: reworded }) + '\n');
  const scan = spawnSync(process.execPath, [cliMain, 'provenance', 'scan', file, '--field', 'text', '--format', 'jsonl', '--data-dir', dirB], { encoding: 'utf8' });
  const scanned = JSON.parse(scan.stdout.split('\n')[0]) as { spans: { origin: string; decision_id: string }[] };
  t.ok(scanned.spans.some((s) => s.origin === 'semantic' && s.decision_id === restricted.id), "the scan CLI on B's data directory traces it by meaning to A's decision");
});
