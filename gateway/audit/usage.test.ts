import t from 'tap';
import fc from 'fast-check';
import type { CallRecord } from '../core/contracts.js';
import { UsageAccumulator } from './usage.js';

const rec = (team: string, key: string, model: string | null, phase: CallRecord['phase'], usage: [number, number] | null, cost?: number) =>
  ({ principal: { key_id: key, team, project: 'p' }, model, provider: model ? 'openai' : null, phase, usage: usage && { input_tokens: usage[0], output_tokens: usage[1] }, ...(cost === undefined ? {} : { cost_usd: cost }) }) as CallRecord;

t.test('groups final records; started records do not count', async (t) => {
  const u = new UsageAccumulator('team');
  u.add(rec('a', 'k1', 'm', 'started', null));
  u.add(rec('a', 'k1', 'm', 'completed', [10, 20], 0.5));
  u.add(rec('a', 'k2', 'm', 'completed', [1, 2], 0.25));
  u.add(rec('b', 'k3', null, 'denied', null));
  t.same(u.rows(), [
    { group: 'a', calls: 2, input_tokens: 11, output_tokens: 22, cost_usd: 0.75 },
    { group: 'b', calls: 1, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
  ]);
});

t.test('whatever the grouping, the rows add up to the same totals', async (t) => {
  const record = fc
    .tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('k1', 'k2'), fc.constantFrom('m1', 'm2', null), fc.constantFrom('started', 'completed', 'failed') as fc.Arbitrary<CallRecord['phase']>, fc.nat(5000), fc.nat(5000), fc.integer({ min: 0, max: 1e6 }))
    .map(([team, key, model, phase, i, o, micro]) => rec(team, key, model, phase, [i, o], micro / 1e6));
  fc.assert(
    fc.property(fc.array(record, { maxLength: 60 }), (records) => {
      const totals = (['team', 'key', 'model', 'provider'] as const).map((by) => {
        const u = new UsageAccumulator(by);
        for (const r of records) u.add(r);
        const rows = u.rows();
        return [rows.reduce((s, r) => s + r.calls, 0), rows.reduce((s, r) => s + r.input_tokens + r.output_tokens, 0), Math.round(rows.reduce((s, r) => s + r.cost_usd, 0) * 1e6)];
      });
      return totals.every((x) => x[0] === totals[0][0] && x[1] === totals[0][1] && Math.abs(x[2] - totals[0][2]) <= 1);
    }),
    { numRuns: 200 },
  );
});
