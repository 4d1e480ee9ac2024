// The relay reads a provider's events whatever its line endings (LF, CR, CRLF) and however the body is cut into chunks,
// the last event included: a CR at the very end of the body is a line end, not half of a CRLF still to come.
import t from 'tap';
import fc from 'fast-check';
import { SseRelay, sendsNewOutput } from './sse.js';
import { openaiChat } from './openai-chat.js';
import { emptyOutput } from './types.js';

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

t.test('a byte-order mark opening the body is skipped wherever the body is cut; bytes that are not UTF-8 read as TextDecoder reads them', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 4 }), (cuts) => {
      t.same(relayed('\ufeffdata: a\n\ndata: \ufeffb\n\n', cuts), ['a', '\ufeffb'], 'only the mark opening the body');
      return true;
    }),
    { numRuns: 200 },
  );
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => b.map((x) => (x === 0x0a || x === 0x0d ? 0x41 : x)));
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
      const body = Buffer.concat([Buffer.from('data: '), data, Buffer.from('\n\n')]);
      const seen: string[] = [];
      const relay = new SseRelay({ event: (e) => (seen.push(e.data), [e]) });
      let at = 0;
      for (const cut of [...cuts.map((c) => c % (body.length + 1)).sort((a, b) => a - b), body.length]) {
        relay.push(body.subarray(at, Math.max(at, cut)));
        at = Math.max(at, cut);
      }
      relay.end();
      const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
      return seen.length === 1 && seen[0] === expected;
    }),
    { numRuns: 1000 },
  );
});

t.test('a truncated last event (no empty line after it) is not dispatched', async (t) => {
  for (const eol of ['\n', '\r', '\r\n']) t.same(relayed(`data: a${eol}${eol}data: b${eol}`, []), ['a'], JSON.stringify(eol));
});

// What a hostile provider would try first to get the whole answer out before its record: the last text inside the
// finish event, text after the finish, several finishes, any chunking. Whatever the events, the newest event is held
// unless it carries new output of an unfinished answer, so the event that ends a stream always waits for the record.
t.test('property: the event that ends the stream is held for the record whatever the provider sends', async (t) => {
  const chunk = (i: number, content: string | null, finish: string | null) => `data: ${JSON.stringify({ id: `c${i}`, object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
  const event = fc.oneof(
    fc.record({ content: fc.constantFrom('a', ' b', 'cd ', ''), finish: fc.constant(null) }),
    fc.record({ content: fc.constantFrom(null, '', 'last words'), finish: fc.constant('stop') }),
  );
  fc.assert(
    fc.property(fc.array(event, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 4 }), (events, done, cuts) => {
      const body = events.map((e, i) => chunk(i, e.content, e.finish)).join('') + (done ? 'data: [DONE]\n\n' : '');
      const out = emptyOutput();
      const relay = new SseRelay(openaiChat.streamTransformer(null, out, { stream: true }), sendsNewOutput(out));
      const bytes = Buffer.from(body);
      let at = 0;
      let sent = '';
      for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
        sent += relay.push(bytes.subarray(at, Math.max(at, cut)));
        at = Math.max(at, cut);
      }
      sent += relay.end();
      if (!out.complete) return true;
      const lastEvent = done ? 'data: [DONE]\n\n' : body.slice(body.lastIndexOf('data: '));
      t.equal(relay.last(), lastEvent);
      t.notOk(sent.includes(lastEvent), 'the ending event is not among what went out before the record');
      return true;
    }),
    { numRuns: 300 },
  );
});
