import t from 'tap';
import { resolvesWithin } from './resolves-within.js';

t.test('true when the work resolves in time, false when the deadline passes first, a rejection passed on', async (t) => {
  t.equal(await resolvesWithin(Promise.resolve('done'), 1_000), true);
  t.equal(await resolvesWithin(new Promise(() => {}), 20), false, 'work that never ends');
  await t.rejects(resolvesWithin(Promise.reject(new Error('failed')), 1_000), { message: 'failed' });
});
