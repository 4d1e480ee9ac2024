import fc from 'fast-check';
import t from 'tap';
import { BatchQueue } from './batch-queue.js';

type Step = { kind: 'push'; count: number } | { kind: 'start' } | { kind: 'finish'; fail: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('start' as const) }),
  fc.record({ kind: fc.constant('finish' as const), fail: fc.boolean() }),
);

const turn = () => new Promise((r) => setImmediate(r));

interface Write {
  batch: number[];
  fail?: boolean;
  settle?: (fail: boolean) => void;
}

/** Drives a queue step by step: the test decides when a scheduled write starts and when each write ends. */
async function run(steps: Step[], opts: { maxItems?: number; maxBytes?: number } = {}) {
  const starts: (() => void)[] = [];
  const writes: Write[] = [];
  const q = new BatchQueue<number, number>({
    write: (batch) =>
      new Promise<number[]>((resolve, reject) => {
        const w: Write = { batch };
        w.settle = (fail) => {
          w.fail = fail;
          if (fail) reject(new Error(`batch ${writes.indexOf(w)}`));
          else resolve(batch.map((x) => x * 10));
        };
        writes.push(w);
      }),
    schedule: (start) => starts.push(start),
    maxItems: opts.maxItems,
    maxBytes: opts.maxBytes ? { limit: opts.maxBytes, sizeOf: (x) => 1 + (x % 3) } : undefined,
  });
  const outcomes: { settled: number; value?: number; error?: string }[] = [];
  const inFlightAtPush: (number | null)[] = [];
  let n = 0;
  let finished = 0;
  const inFlight = () => (writes.length > finished ? writes.length - 1 : null);
  const push = () => {
    const id = n++;
    const o: (typeof outcomes)[number] = { settled: 0 };
    outcomes.push(o);
    inFlightAtPush.push(inFlight());
    q.push(id).then(
      (v) => {
        o.settled++;
        o.value = v;
      },
      (err: Error) => {
        o.settled++;
        o.error = err.message;
      },
    );
  };
  const finish = async (fail: boolean) => {
    if (writes.length === finished) return;
    writes[finished++].settle!(fail);
    await turn();
  };
  for (const s of steps) {
    if (s.kind === 'push') for (let i = 0; i < s.count; i++) push();
    else if (s.kind === 'start') starts.shift()?.();
    else await finish(s.fail);
    await turn();
  }
  while (q.pending > 0) {
    starts.shift()?.();
    await turn();
    await finish(false);
  }
  await q.flush();
  return { writes, outcomes, inFlightAtPush, n };
}

t.test('order is kept and every item settles exactly once with its batch outcome', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const { writes, outcomes, n } = await run(steps);
      const written = writes.flatMap((w) => w.batch);
      if (JSON.stringify(written) !== JSON.stringify([...Array(n).keys()])) return false;
      return writes.every((w, b) =>
        w.batch.every((id) => {
          const o = outcomes[id];
          return o.settled === 1 && (w.fail ? o.error === `batch ${b}` && o.value === undefined : o.value === id * 10 && o.error === undefined);
        }),
      );
    }),
  );
});

t.test('a failing write rejects exactly the items of its batch', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const { writes, outcomes } = await run(steps);
      const rejected = outcomes.flatMap((o, id) => (o.error ? [id] : []));
      const failedItems = writes.flatMap((w) => (w.fail ? w.batch : []));
      return JSON.stringify(rejected) === JSON.stringify(failedItems);
    }),
  );
});

t.test('items pushed while a write is in flight form the next batch', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const { writes, inFlightAtPush } = await run(steps);
      const batchOf = new Map(writes.flatMap((w, b) => w.batch.map((id) => [id, b] as const)));
      return inFlightAtPush.every((k, id) => k === null || batchOf.get(id) === k + 1);
    }),
  );
});

t.test('batches keep within maxItems and maxBytes, an oversized item alone', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), async (steps, maxItems, maxBytes) => {
      const { writes, n } = await run(steps, { maxItems, maxBytes });
      const bytes = (b: number[]) => b.reduce((s, x) => s + 1 + (x % 3), 0);
      const withinLimits = writes.every((w) => w.batch.length > 0 && w.batch.length <= maxItems && (w.batch.length === 1 || bytes(w.batch) <= maxBytes));
      return withinLimits && writes.flatMap((w) => w.batch).length === n;
    }),
  );
});

t.test('pushes in one turn share a write; flush waits for them; close refuses more', async (t) => {
  const batches: number[][] = [];
  const q = new BatchQueue<number>({ write: async (batch) => void batches.push(batch) });
  const settled = [1, 2, 3].map((x) => q.push(x));
  t.equal(q.pending, 3);
  await q.flush();
  t.same(batches, [[1, 2, 3]]);
  t.same(await Promise.all(settled), [undefined, undefined, undefined]);
  t.equal(q.pending, 0);
  await q.close();
  await t.rejects(q.push(4), /closed/);
});

t.test('gapMs: items pushed in separate turns during the window after a write share the next batch', async (t) => {
  const batches: number[][] = [];
  const q = new BatchQueue<number>({ gapMs: 30, write: async (batch) => void batches.push(batch) });
  const first = q.push(1);
  await first;
  const later = [2, 3, 4].map(async (x, i) => {
    await new Promise((resolve) => setImmediate(resolve));
    for (let k = 0; k < i; k++) await new Promise((resolve) => setImmediate(resolve));
    return q.push(x);
  });
  await Promise.all(later);
  await q.flush();
  t.same(batches, [[1], [2, 3, 4]], 'one write for the three, after the window');
  await q.close();
});
