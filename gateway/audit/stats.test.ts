// The charts' counts: one per call (its outcome record), denials by rule and team, trainable share by
// provider, feed admissions and refusals; and a property: the buckets add up to the calls counted.
import t from 'tap';
import fc from 'fast-check';
import type { CallRecord } from '../core/contracts.js';
import { StatsAccumulator } from './stats.js';

const base: CallRecord = {
  decision_id: 'd', phase: 'completed', time: '2026-11-30T10:15:00.000Z', principal: { key_id: 'k', team: 'ml-research', project: 'p' },
  endpoint: 'chat.completions', provider: 'vllm', model: 'qwen2.5-7b-instruct', upstream_model: null, purpose: 'general', decision: 'allow',
  reasons: [], obligations: null, policy_revision: 'r', data_classes: [], request_digest: null, response_digest: null, usage: null,
  latency_ms: 1, status: 200, error: null, watermark_id: null, training_permit_id: null, licence: 'apache-2.0', trainable: true,
};
const rec = (over: Partial<CallRecord>): CallRecord => ({ ...base, ...over });

t.test('counts per chart', async (t) => {
  const s = new StatsAccumulator(3_600_000);
  s.add(rec({ phase: 'started' }));
  s.add(rec({ training_permit_id: 'p1' }));
  s.add(rec({ reasons: [{ rule: 'training.provenance_admission', message: 'carries …' }] }));
  s.add(rec({ provider: 'openai', trainable: false, time: '2026-11-30T11:01:00.000Z' }));
  s.add(rec({ phase: 'denied', decision: 'deny', team: undefined, principal: { key_id: 'k', team: 'support', project: 'p' }, reasons: [{ rule: 'access.model_not_allowed', message: '' }, { rule: 'access.model_not_allowed', message: 'twice' }] } as Partial<CallRecord>));
  s.add(rec({ phase: 'failed', status: 502 }));
  const r = s.result();
  t.equal(r.calls, 5, 'the started record is not a call of its own');
  t.same(r.over_time, [
    { start: '2026-11-30T10:00:00.000Z', allowed: 2, denied: 1, failed: 1 },
    { start: '2026-11-30T11:00:00.000Z', allowed: 1, denied: 0, failed: 0 },
  ]);
  t.same(r.denials_by_rule, { 'access.model_not_allowed': 1 }, 'a rule counts once per call');
  t.same(r.denials_by_team, { support: 1 });
  t.same(r.trainable_by_provider, { vllm: { trainable: 2, total: 2 }, openai: { trainable: 0, total: 1 } });
  t.same(r.feed, { admitted: 1, refused: 1 });
});

t.test('property: buckets add up to the calls, whatever the order', async () => {
  const phase = fc.constantFrom<CallRecord['phase']>('started', 'completed', 'incomplete', 'denied', 'failed');
  const record = fc.record({ phase, minute: fc.integer({ min: 0, max: 60 * 24 * 3 }) }).map(({ phase, minute }) =>
    rec({ phase, decision: phase === 'denied' ? 'deny' : 'allow', time: new Date(Date.UTC(2026, 10, 1) + minute * 60_000).toISOString() }),
  );
  fc.assert(
    fc.property(fc.array(record, { maxLength: 200 }), (records) => {
      const s = new StatsAccumulator(86_400_000);
      for (const r of records) s.add(r);
      const r = s.result();
      const sum = r.over_time.reduce((n, b) => n + b.allowed + b.denied + b.failed, 0);
      return sum === r.calls && r.calls === records.filter((x) => x.phase !== 'started').length;
    }),
  );
});
