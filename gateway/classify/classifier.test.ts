// The classifier's bounds: what goes inline is decided by the work a body implies, the pool's budget
// counts time on a thread (not the wait for one), and a full pool answers busy, not "contains secrets".
import t from 'tap';
import { bodyWork, ClassificationBudgetExceeded, ClassifierBusy, createClassifier, DEFAULT_INLINE_WORK } from './classifier.js';
import { speeches } from '../mock-upstream/corpus.js';

const aws = 'AKIAIOSFODNN7EXAMPLE';

t.test('the work of a body counts strings, keys and nesting, not only characters', async (t) => {
  const empties = { messages: Array.from({ length: 100_000 }, () => '') };
  const { chars, work } = bodyWork(empties, Number.MAX_SAFE_INTEGER);
  t.equal(chars, 'messages'.length, 'no characters to speak of');
  t.ok(work > DEFAULT_INLINE_WORK * 100, 'but a lot of work');
  t.ok(bodyWork({ prompt: Array.from({ length: 100_000 }, (_, i) => i) }, Number.MAX_SAFE_INTEGER).work > DEFAULT_INLINE_WORK, 'numbers count');
  t.ok(bodyWork({ input: 'x'.repeat(1000) }, Number.MAX_SAFE_INTEGER).work < DEFAULT_INLINE_WORK, 'a small prompt is small');
  const stopped = bodyWork(empties, 1000);
  t.ok(stopped.work > 1000 && stopped.work < 2000, 'counting stops once past the limit');
});

t.test('a body of many empty strings goes to the pool, and is classified there', async (t) => {
  const classifier = createClassifier({ inlineChars: 65_536, decodedBytes: 1 << 20, threads: 1, budgetMs: 60_000 });
  t.teardown(() => classifier.close());
  const body = { messages: [...Array.from({ length: 50_000 }, () => ''), aws] };
  const before = classifier.stats();
  t.same((await classifier.classify(body, {})).classes, ['secret.api_key']);
  t.equal(before.running, 0);
  t.ok(classifier.stats().lastQueueWaitMs >= 0, 'it went through the pool');
});

t.test('the pool budget does not include the wait for a thread', async (t) => {
  const prose = speeches().map((s) => s.text).join('\n');
  const big = prose.repeat(Math.ceil((1 << 20) / prose.length)).slice(0, 1 << 20);
  // Queued prompts enough to take about one and a half budgets together, each far within it: a budget
  // that counted the wait for the thread would refuse the last ones. The count comes from this machine's
  // own time for one prompt, measured once the thread is warm (under tap its cold start compiles TypeScript).
  const budgetMs = 10_000;
  const classifier = createClassifier({ inlineChars: 0, budgetMs, queueMs: 600_000, queueMax: 1000, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => classifier.close());
  await classifier.classify({ input: big }, {});
  let t0 = performance.now();
  await classifier.classify({ input: big }, {});
  const single = performance.now() - t0;
  const count = Math.min(400, Math.ceil((1.5 * budgetMs) / single) + 1);
  t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: count }, () => classifier.classify({ input: big }, {})));
  const elapsed = performance.now() - t0;
  t.same(results.map((r) => r.status), Array(count).fill('fulfilled'), `${count} queued 1 MB prompts on one thread, ${elapsed.toFixed(0)} ms in all (one took ${single.toFixed(0)} ms, budget ${budgetMs} ms), none refused`);
});

t.test('a full queue, or a wait past its deadline, is busy (503), not a denial', async (t) => {
  const slow = { input: 'lorem ipsum dolor sit amet '.repeat(40_000) };
  const full = createClassifier({ inlineChars: 0, budgetMs: 60_000, queueMax: 0, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => full.close());
  const [first, second] = await Promise.allSettled([full.classify(slow, {}), full.classify(slow, {})]);
  t.equal(first.status, 'fulfilled');
  t.equal(second.status, 'rejected');
  const err = (second as PromiseRejectedResult).reason;
  t.ok(err instanceof ClassifierBusy, 'busy');
  t.equal(err.status, 503);

  const late = createClassifier({ inlineChars: 0, budgetMs: 60_000, queueMs: 1, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => late.close());
  const [a, b] = await Promise.allSettled([late.classify(slow, {}), late.classify(slow, {})]);
  t.equal(a.status, 'fulfilled');
  t.ok((b as PromiseRejectedResult).reason instanceof ClassifierBusy, 'waited past the queue deadline: busy');
});

t.test('a task past its budget on a thread is stopped and refused (fail closed)', async (t) => {
  const tight = createClassifier({ inlineChars: 0, budgetMs: 1, decodedBytes: 1 << 20, threads: 1 });
  t.teardown(() => tight.close());
  const err = await tight.classify({ input: 'x '.repeat(2_000_000) }, {}).catch((e: Error) => e);
  t.ok(err instanceof ClassificationBudgetExceeded, 'refused: over its budget');
});
