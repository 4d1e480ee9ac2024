// What 2 workers share: a policy staged, validated and activated through the port (each step on whichever
// worker the connection reached) serves on every worker, and each record names that revision; a key's
// rate limit counts the calls of both workers, not each worker's. Through the built CLI (`npx tsc` first)
// on the PostgreSQL of scripts/setup-services.sh.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { packageRoot } from '../gateway/core/package-root.js';
import { chat, removeFleet, request, startWorkerFleet } from './support/worker-fleet.js';
import { until } from './support/until.js';

// Two workers start one after another and the candidate is built and tested: minutes on a shared 2-core machine.
t.setTimeout(480_000);

const fleet = await startWorkerFleet(2);
t.teardown(() => removeFleet(fleet));
const admin = { authorization: `Bearer ${fleet.adminToken}` };
const json = <T>(r: { body: string } | null) => JSON.parse(r!.body) as T;
/** The revision each of `n` fresh connections (spread over the workers) reports active. */
const actives = async (n: number) => {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) seen.push(json<{ active: { revision: string } }>(await request(fleet.url, { path: '/admin/v1/policies', headers: admin })).active.revision);
  return seen;
};

t.test('an activation through one worker serves on every worker, and every record names it', async (t) => {
  const [before] = await actives(1);
  const terms = readFileSync(join(packageRoot, 'policies', 'request', 'terms.rego'), 'utf8');
  const staged = await request(fleet.url, { path: '/admin/v1/policies/stage', headers: admin, body: { files: { 'request/terms.rego': terms + '\n# staged through a worker\n' } } });
  t.equal(staged?.status, 200, `staged: ${staged?.body}`);
  const { candidate } = json<{ candidate: string }>(staged);
  const validated = await request(fleet.url, { path: '/admin/v1/policies/validate', headers: admin, body: { candidate } });
  t.equal(validated?.status, 200, 'validated (on whichever worker: the candidate is in the shared data directory)');
  const { revision } = json<{ revision: string }>(validated);
  t.not(revision, before, 'a new revision');
  const activated = await request(fleet.url, { path: '/admin/v1/policies/activate', headers: admin, body: { revision, reason: 'workers test' } });
  t.equal(activated?.status, 200, `activated: ${activated?.body}`);

  const seen = await until(() => actives(6), (s) => s.every((r) => r === revision), 10_000);
  t.same(seen, Array(6).fill(revision), 'every worker serves it (6 fresh connections, spread round-robin)');

  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await chat(fleet.url, fleet.key, `after activation ${i}`);
    t.equal(r?.headers['x-termsgate-policy-revision'], revision, `call ${i} decided by the new revision`);
    ids.push(String(r?.headers['x-termsgate-decision-id']));
  }
  type Entry = { record: { decision_id?: string; phase?: string; policy_revision?: string } };
  const records = await until(
    async () => json<{ records: Entry[] }>(await request(fleet.url, { path: '/admin/v1/audit/records?limit=1000', headers: admin })).records.map((e) => e.record),
    (rs) => ids.every((id) => rs.some((r) => r.decision_id === id && r.phase === 'completed')),
  );
  const named = ids.map((id) => records.find((r) => r.decision_id === id && r.phase === 'completed')?.policy_revision);
  t.same(named, Array(6).fill(revision), "each call's record names the revision that decided it");
});

t.test("a key's rate limit counts every worker's calls (not multiplied by the number of workers)", async (t) => {
  const LIMIT = 6;
  const created = await request(fleet.url, { path: '/admin/v1/keys', headers: admin, body: { id: 'rpm-workers', team: 'demo', limits: { requestsPerMinute: LIMIT } } });
  t.equal(created?.status, 201);
  const { secret } = json<{ secret: string }>(created);
  const statuses: number[] = [];
  for (let i = 0; i < 3 * LIMIT; i++) statuses.push((await chat(fleet.url, secret, `limited ${i}`))?.status ?? 0);
  const accepted = statuses.filter((s) => s === 200).length;
  // The shared counter is not awaited on the call's path, so a worker that has not yet heard the store may let
  // a call or two more through; counted per worker, exactly 2 × LIMIT would pass.
  t.ok(accepted >= LIMIT && accepted < 2 * LIMIT, `accepted ${accepted} of ${statuses.length} with a limit of ${LIMIT} (counted per worker: ${2 * LIMIT})`);
  t.equal(statuses.filter((s) => s === 429).length, statuses.length - accepted, 'the rest refused with 429');
});
