// The monitor driven directly: campaigns rise, ordinary traffic stays low, purpose laundering and
// coordination are seen, risk leaves with the window, clearances lift only their scope, memory is per scope.
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { DistillationEvent, Principal } from '../core/contracts.js';
import { DistillationMonitor } from './monitor.js';
import { BUCKET_MS, SlidingCounts, WEEK_MS } from './window.js';

const T0 = Date.UTC(2026, 11, 1);
const principal = (keyId: string, team = 'research'): Principal => ({ keyId, team, project: `${team}-p`, defaultPurpose: 'general', allowedPurposes: ['general', 'training-data'] });
let seq = 0;
function event(p: Principal, text: string, over: Partial<DistillationEvent> = {}): DistillationEvent {
  return { decisionId: `d${++seq}`, time: T0 + seq * 1000, principal: p, purpose: 'general', provider: 'openai', model: 'gpt-4o-mini', version: 'gpt-4o-mini', restricted: true, prompt: [{ role: 'user', content: text }], maxTokens: null, n: 1, temperature: null, reasoningParam: false, outputTokens: 300, refusedForTraining: false, ...over };
}
const topics = Array.from({ length: 400 }, (_, i) => `topic${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0))}`);
const vocabulary = 'the a we our build test deploy customer invoice query table index cache error crash login page button style layout email draft meeting notes summary plan budget report chart sales risk review code function class module import export async await promise stream buffer parse format date time user account role token session api endpoint route handler retry timeout latency memory leak profile trace log metric alert'.split(' ');
/** Ordinary prompts: different words and lengths each time (a seeded walk over a small vocabulary). */
const varied = (i: number) => {
  let x = (i + 1) * 2654435761;
  const next = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0) % 1_000_000) / 1_000_000;
  return Array.from({ length: 8 + Math.floor(next() * 30) }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(' ');
};

t.test('a templated reasoning sweep against a restricted provider reaches high; its signals are named with examples', async (t) => {
  const m = new DistillationMonitor();
  const p = principal('harvester');
  let at = -1;
  for (let i = 0; i < 2000 && at < 0; i++) {
    m.process(event(p, `You are an expert. Explain the concept of ${topics[i % 400]} in organic chemistry in depth, step by step, showing your reasoning before the final answer.`, { maxTokens: 4096 }));
    if (m.risk(p)?.level === 'high') at = i + 1;
  }
  t.ok(at > 0 && at <= 2000, `high after ${at} calls`);
  const r = m.get('key:harvester')!;
  t.same(r.signals.slice(0, 2).map((s) => s.name).sort(), ['harvesting', 'reasoning_elicitation']);
  t.ok(r.signals.find((s) => s.name === 'templated_prompts')!.examples.length > 0);
  t.equal(m.risk(p)?.scope, 'key:harvester');
});

t.test('ordinary varied traffic stays low', async (t) => {
  const m = new DistillationMonitor();
  const p = principal('dev', 'web');
  for (let i = 0; i < 3000; i++) m.process(event(p, varied(i), { time: T0 + i * 60_000, temperature: [0, 0.7, 1][i % 3] }));
  t.equal(m.risk(p)?.level, 'low', JSON.stringify(m.get('key:dev')));
});

t.test('purpose laundering: prompts refused for training, then sent under another purpose, are flagged', async (t) => {
  const m = new DistillationMonitor();
  const p = principal('launderer');
  for (let i = 0; i < 5; i++) m.process(event(p, varied(i), { purpose: 'training-data', refusedForTraining: true }));
  for (let i = 0; i < 5; i++) m.process(event(p, varied(i)));
  const r = m.get('key:launderer')!;
  t.equal(r.signals[0].name, 'purpose_laundering');
  t.ok(r.score >= 40, `score ${r.score}`);
  // Prompts never refused are not laundering.
  const q = principal('honest');
  for (let i = 0; i < 5; i++) m.process(event(q, varied(i + 100)));
  t.notOk(m.get('key:honest')!.signals.some((s) => s.name === 'purpose_laundering'));
});

t.test('several keys filling one template are seen as coordinated', async (t) => {
  const m = new DistillationMonitor();
  for (let i = 0; i < 600; i++) m.process(event(principal(`k${i % 4}`), `Classify the sentiment of this review of product ${topics[i % 400]} and justify it in detail: ${topics[(i * 3) % 400]} ${topics[(i * 11) % 400]}`));
  t.ok(m.get('key:k0')!.signals.some((s) => s.name === 'coordination'));
});

t.test('a surge within a day of a model version change is seen; the same traffic without a release is not', async (t) => {
  const run = (release: boolean) => {
    const m = new DistillationMonitor();
    const p = principal(release ? 'surger' : 'steady');
    const start = T0 + 10 * 24 * 3600_000;
    // Six quiet days of 20 calls, then a day of 300 right after (or without) a new version.
    for (let d = 0; d < 6; d++) for (let i = 0; i < 20; i++) m.process(event(p, varied(d * 100 + i), { time: start + d * 86_400_000 + i * 60_000 }));
    for (let i = 0; i < 300; i++) m.process(event(p, varied(1000 + i), { time: start + 6 * 86_400_000 + i * 60_000, version: release ? 'gpt-4o-mini-2026-12-01' : 'gpt-4o-mini' }));
    return m.get(`key:${p.keyId}`)!.signals.find((s) => s.name === 'release_surge');
  };
  const surge = run(true);
  t.ok(surge && surge.strength === 1, JSON.stringify(surge));
  t.equal(run(false), undefined);
});

t.test('risk leaves with the window, and level changes are reported both ways', async (t) => {
  const changes: string[] = [];
  const m = new DistillationMonitor({ onLevelChange: (r, before) => changes.push(`${r.scope}:${before}->${r.level}`) });
  const p = principal('burst');
  for (let i = 0; i < 1500; i++) m.process(event(p, `Explain ${topics[i % 400]} step by step with your full reasoning trace`, { n: 4 }));
  t.ok(changes.includes('key:burst:medium->high') || changes.includes('key:burst:low->high'), changes.join(' '));
  m.rescoreAll(T0 + seq * 1000 + WEEK_MS + BUCKET_MS);
  t.equal(m.get('key:burst')!.level, 'low');
  t.ok(changes.some((c) => c.startsWith('key:burst:high->low')));
});

t.test('a clearance lifts its own scope only, until it expires', async (t) => {
  let now = T0;
  const m = new DistillationMonitor({ now: () => now });
  const a = principal('a', 'shared');
  for (let i = 0; i < 1500; i++) m.process(event(a, `Explain ${topics[i % 400]} step by step with your full reasoning trace`, { n: 4 }));
  t.equal(m.risk(a)?.level, 'high');
  m.clear({ scope: 'key:a', until: now + 1000, changeId: 'c1', by: 'legal', reason: 'approved research' });
  // The team and project carry the same traffic: still high until they are cleared as well.
  t.same([m.risk(a)?.level, m.risk(a)?.cleared], ['high', false]);
  m.clear({ scope: 'project:shared-p', until: now + 1000, changeId: 'c2', by: 'legal', reason: 'r' });
  m.clear({ scope: 'team:shared', until: now + 1000, changeId: 'c3', by: 'legal', reason: 'r' });
  t.same([m.risk(a)?.level, m.risk(a)?.cleared], ['high', true]);
  now += 2000;
  t.equal(m.risk(a)?.cleared, false);
});

t.test('events go through the queue off the caller; a full queue drops and counts', async (t) => {
  const m = new DistillationMonitor({ maxQueue: 10 });
  const p = principal('q');
  for (let i = 0; i < 15; i++) m.observe(event(p, varied(i)));
  t.equal(m.stats().processed, 0, 'nothing is computed while the caller runs');
  await m.settled();
  t.same(m.stats(), { queued: 0, dropped: 5, processed: 10, scopes: 4 });
});

t.test('memory grows with scopes, not calls', async (t) => {
  const m = new DistillationMonitor();
  const p = principal('many');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Typed arrays live outside the V8 heap: both count.
  const heap = () => (gc(), process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);
  // Warm up until every bounded map is full (the shared templates hold 32,768 bands: 2,048 prompts).
  for (let i = 0; i < 5000; i++) m.process(event(p, `${varied(i)} ${i}`));
  const before = heap();
  for (let i = 5000; i < 25000; i++) m.process(event(p, `${varied(i)} ${i} ${topics[i % 400]}`));
  t.equal(m.stats().scopes, 4);
  // 20,000 more distinct prompts: the LRU maps stay at their bounds (a loose ceiling, GC timing aside).
  t.ok(heap() - before < 8 * 1024 * 1024, `heap grew ${((heap() - before) / 1e6).toFixed(1)} MB`);
});

t.test('sliding counts: a sum is the events of its span, whatever the order of arrival within the window', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: WEEK_MS - 1 }), { maxLength: 200 }), (offsets) => {
      const w = new SlidingCounts();
      const sorted = [...offsets].sort((a, b) => a - b);
      for (const o of sorted) w.add(T0 + o, ['calls']);
      const end = T0 + WEEK_MS - 1;
      return w.sum(end).calls === offsets.filter((o) => Math.floor((T0 + o) / BUCKET_MS) > Math.floor(end / BUCKET_MS) - 42).length;
    }),
  );
});
