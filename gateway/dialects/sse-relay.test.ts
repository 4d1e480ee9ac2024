// The relay reads a provider's events whatever its line endings (LF, CR, CRLF) and however the body is cut into chunks,
// the last event included: a CR at the very end of the body is a line end, not half of a CRLF still to come.
import t from 'tap';
import fc from 'fast-check';
import { SseRelay } from './sse.js';

function relayed(body: string, cuts: number[]): string[] {
  const seen: string[] = [];
  const relay = new SseRelay({ event: (e) => (seen.push(e.data), [e]) });
  const bytes = Buffer.from(body);
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    relay.push(bytes.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  relay.end();
  return seen;
}

t.test('every event, in any line ending and any chunking', async (t) => {
  const data = fc.array(fc.constantFrom('a', 'z', 'é', '€', '🙂', ' ', '{', '"', ':'), { minLength: 1, maxLength: 20 }).map((cs) => cs.join('').trim() || 'a');
  fc.assert(
    fc.property(fc.array(data, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r', '\r\n'), fc.array(fc.nat(), { maxLength: 5 }), (events, eol, cuts) => {
      const body = events.map((d) => `data: ${d}${eol}${eol}`).join('');
      t.same(relayed(body, cuts), events);
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('a truncated last event (no empty line after it) is not dispatched', async (t) => {
  for (const eol of ['\n', '\r', '\r\n']) t.same(relayed(`data: a${eol}${eol}data: b${eol}`, []), ['a'], JSON.stringify(eol));
});
