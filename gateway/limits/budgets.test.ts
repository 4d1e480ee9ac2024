// Calls in flight hold their estimated cost: a burst admitted at once goes ahead only as far as the budget
// covers, a release gives the hold back once, and without a burst nothing changes.
import t from 'tap';
import fc from 'fast-check';
import { Budgets } from './budgets.js';
import { MemorySpend } from './spend.js';

const key = (keyId: string, dailyUsd?: number) => ({ keyId, team: 'search', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'], budget: dailyUsd === undefined ? undefined : { dailyUsd } });
const now = () => new Date('2026-12-05T12:00:00Z');

t.test('a burst of holds stops where the budget is spent or held; releases give it back, once', async (t) => {
  const budgets = new Budgets({ teams: {}, store: new MemorySpend(), softPercent: 80, hardStopStatus: 402, now });
  const k = key('k1', 1);
  const holds = Array.from({ length: 10 }, () => budgets.hold(k, 0.3));
  const admitted = holds.filter((h) => h && 'release' in h) as Array<{ release: () => void }>;
  t.equal(admitted.length, 4, 'held $0, $0.3, $0.6, $0.9 before each: four go ahead, the fifth sees $1.2 held');
  const refused = holds.find((h) => h && 'refusal' in h) as { refusal: { status: number; message: string } };
  t.match(refused.refusal, { status: 402, message: /daily budget of virtual key k1 is spent: \$0\.00 spent and \$1\.2000 held by 4 call\(s\) in flight of \$1\.00/ });
  admitted[0].release();
  admitted[0].release();
  const again = budgets.hold(k, 0.3);
  t.ok(again && 'release' in again, 'a released hold makes room for one more');
  t.ok(budgets.hold(k, 0.3) && 'refusal' in budgets.hold(k, 0.3)!, 'and only one: the second release gave nothing back');
  t.equal(budgets.hold(key('free'), 5), null, 'a key with no budget holds nothing');
});

t.test("a team's budget is held by every key of the team", async (t) => {
  const budgets = new Budgets({ teams: { search: { dailyUsd: 1 } }, store: new MemorySpend(), softPercent: 80, hardStopStatus: 402, now });
  t.ok('release' in budgets.hold(key('a'), 0.6)!);
  t.equal(budgets.check(key('d')).refusal, null, 'at $0.60 held of $1 a call of another key is admitted');
  t.ok('release' in budgets.hold(key('b'), 0.4)!);
  t.match(budgets.hold(key('c'), 0.01), { refusal: { message: /daily budget of team search is spent: \$0\.00 spent and \$1\.0000 held by 2 call\(s\) in flight/ } }, 'at $1.00 held the team is stopped, whichever key calls');
});

t.test('property: of any burst, the holds admitted cost at most the budget plus the last one admitted', async () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0.01, max: 10, noNaN: true }), (costs, limit) => {
      const budgets = new Budgets({ teams: {}, store: new MemorySpend(), softPercent: 80, hardStopStatus: 402, now });
      let held = 0;
      let last = 0;
      for (const usd of costs) {
        const h = budgets.hold(key('k', limit), usd);
        if (h && 'release' in h) {
          if (held >= limit) return false;
          held += usd;
          last = usd;
        } else if (held < limit - 1e-9) return false;
      }
      return held <= limit + last + 1e-9;
    }),
  );
});
