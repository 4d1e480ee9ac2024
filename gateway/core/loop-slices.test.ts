import t from 'tap';
import { performance } from 'node:perf_hooks';
import { LoopSlices } from './loop-slices.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

t.test('within the budget, pieces run in the same turn of the loop', async (t) => {
  const slices = new LoopSlices(1_000);
  let turned = false;
  setImmediate(() => (turned = true));
  for (let i = 0; i < 100; i++) {
    while (slices.spent()) await slices.next();
    await Promise.resolve();
  }
  t.notOk(turned, 'no check phase ran between the pieces');
});

t.test('past the budget, the next piece waits for the next turn of the loop, so other work runs in between', async (t) => {
  const slices = new LoopSlices(2);
  let loopTurns = 0;
  let ticking = true;
  const tick = () => {
    loopTurns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  // Two floods, each piece longer than the budget: without slices they would run back to back in microtasks.
  const flood = async () => {
    for (let i = 0; i < 10; i++) {
      while (slices.spent()) await slices.next();
      busy(3);
      await Promise.resolve();
    }
  };
  const before = loopTurns;
  await Promise.all([flood(), flood()]);
  ticking = false;
  t.ok(loopTurns - before >= 19, `${loopTurns - before} turns of the loop ran between 20 pieces`);
});

t.test('waiters resume in the order they came', async (t) => {
  const slices = new LoopSlices(0.001);
  slices.spent();
  busy(1);
  const order: number[] = [];
  await Promise.all([1, 2, 3].map(async (n) => {
    while (slices.spent()) await slices.next();
    order.push(n);
    busy(1);
  }));
  t.same(order, [1, 2, 3]);
});
