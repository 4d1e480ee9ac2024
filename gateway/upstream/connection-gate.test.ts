// The connection gate against a model: random arrivals, releases, deadlines and aborts, with a manual clock.
import t from 'tap';
import fc from 'fast-check';
import { ConnectionGate, QueueTimeout, type Release, type Schedule } from './connection-gate.js';

/** A manual clock: timers fire only when the test advances it. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 0;
  const schedule: Schedule = (ms, fn) => {
    const id = next++;
    timers.push({ at: now + ms, fn, id });
    return () => (timers = timers.filter((x) => x.id !== id));
  };
  return {
    schedule,
    advance(ms: number) {
      now += ms;
      const due = timers.filter((x) => x.at <= now).sort((a, b) => a.at - b.at || a.id - b.id);
      timers = timers.filter((x) => x.at > now);
      for (const x of due) x.fn();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

type Cmd = { op: 'acquire'; caller: number } | { op: 'release'; pick: number } | { op: 'advance'; ms: number } | { op: 'abort'; pick: number };

t.test('property: never over the limit or a share; each waiter settles once; FIFO among eligible waiters', async () => {
  const cmd = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('acquire' as const), caller: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 60 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }) },
  );
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.array(cmd, { maxLength: 60 }), async (limit, share, cmds: Cmd[]) => {
      const clock = manualClock();
      const gate = new ConnectionGate({ limit, perCaller: limit * share, queueMs: 100, schedule: clock.schedule });
      const cap = gate.perCaller;
      interface W { n: number; caller: string; settled: number; outcome?: 'granted' | 'timeout' | 'aborted'; release?: Release; ctl: AbortController }
      const all: W[] = [];
      const grantedOrder: number[] = [];
      const held = () => all.filter((w) => w.outcome === 'granted' && w.release);
      for (const c of cmds) {
        if (c.op === 'acquire') {
          const w: W = { n: all.length, caller: `c${c.caller}`, settled: 0, ctl: new AbortController() };
          all.push(w);
          gate.acquire(w.caller, w.ctl.signal).then(
            (release) => {
              w.settled++;
              w.outcome = 'granted';
              w.release = release;
              grantedOrder.push(w.n);
            },
            (err) => {
              w.settled++;
              w.outcome = err instanceof QueueTimeout ? 'timeout' : 'aborted';
            },
          );
        } else if (c.op === 'release') {
          const h = held();
          if (h.length) {
            const w = h[c.pick % h.length];
            w.release!();
            w.release!(); // twice: gives back nothing more
            w.release = undefined;
          }
        } else if (c.op === 'advance') clock.advance(c.ms);
        else {
          const pending = all.filter((w) => w.settled === 0);
          if (pending.length) pending[c.pick % pending.length].ctl.abort(new Error('client gone'));
        }
        await flush();
        // Never more than the limit held, nor more than a share by one caller.
        if (gate.held > limit || held().length !== gate.held) return false;
        for (const caller of new Set(all.map((w) => w.caller))) if (held().filter((w) => w.caller === caller).length > cap || gate.heldBy(caller) > cap) return false;
        // Nobody waits who could be granted now: a waiter is pending only while the gate is full or its caller at its share.
        for (const w of all.filter((x) => x.settled === 0)) if (gate.held < limit && gate.heldBy(w.caller) < cap) return false;
        if (gate.waiting !== all.filter((x) => x.settled === 0).length) return false;
      }
      // Every waiter settles exactly once: by its deadline at the latest.
      clock.advance(1_000);
      await flush();
      if (!all.every((w) => w.settled === 1)) return false;
      // FIFO among eligible waiters: of two waiters of the same caller, the earlier is granted first (or not at all).
      for (let i = 0; i < grantedOrder.length; i++) {
        for (let j = i + 1; j < grantedOrder.length; j++) {
          const a = all[grantedOrder[i]];
          const b = all[grantedOrder[j]];
          if (a.caller === b.caller && a.n > b.n) return false;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('a caller at its share waits while another caller is served at once', async (t) => {
  const clock = manualClock();
  const gate = new ConnectionGate({ limit: 4, perCaller: 2, queueMs: 100, schedule: clock.schedule });
  const a1 = await gate.acquire('a');
  await gate.acquire('a');
  let third: Release | null = null;
  void gate.acquire('a').then((r) => (third = r));
  const b = await gate.acquire('b');
  t.equal(gate.held, 3);
  t.equal(gate.waiting, 1, "a's third call waits though a connection is free");
  a1();
  await flush();
  t.ok(third, 'granted once one of its own is released');
  b();
  clock.advance(200);
  const late = gate.acquire('a').catch((e) => e);
  clock.advance(100);
  t.ok((await late) instanceof QueueTimeout, 'a waiter past its deadline is refused');
  t.equal(gate.waiting, 0);
});
