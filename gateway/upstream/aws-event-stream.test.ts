import t from 'tap';
import fc from 'fast-check';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { awsEventStreamToSse } from './aws-event-stream.js';

const codec = new EventStreamCodec(
  (b) => new TextDecoder().decode(b),
  (s) => new TextEncoder().encode(s),
);
const message = (type: string, payload: unknown, messageType = 'event') =>
  codec.encode({
    headers: { ':event-type': { type: 'string', value: type }, ':message-type': { type: 'string', value: messageType }, ...(messageType === 'exception' ? { ':exception-type': { type: 'string', value: 'ThrottlingException' } } : {}) },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });

t.test('messages become SSE events, however the bytes are split', async () => {
  fc.assert(
    fc.property(fc.array(fc.record({ text: fc.string(), type: fc.constantFrom('messageStart', 'contentBlockDelta', 'metadata') }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (events, cuts) => {
      const bytes = Buffer.concat(events.map((e) => message(e.type, { delta: { text: e.text } })));
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const reframe = awsEventStreamToSse();
      let out = '';
      let from = 0;
      for (const p of [...points, bytes.length]) {
        out += Buffer.from(reframe(bytes.subarray(from, p))).toString();
        from = p;
      }
      const expected = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify({ delta: { text: e.text } }).replace(/\n/g, ' ')}\n\n`).join('');
      return out === expected;
    }),
  );
});

t.test('an exception message is an exception event; a corrupt or oversized message is refused', async (t) => {
  const out = Buffer.from(awsEventStreamToSse()(message('', { message: 'slow down' }, 'exception'))).toString();
  t.equal(out, `event: exception\ndata: ${JSON.stringify({ exception: 'ThrottlingException', message: 'slow down' })}\n\n`);
  const bad = Buffer.from(message('messageStart', {}));
  bad[bad.length - 1] ^= 0xff;
  t.throws(() => awsEventStreamToSse()(bad), 'a wrong CRC');
  const huge = Buffer.alloc(8);
  huge.writeUInt32BE(64 * 1024 * 1024, 0);
  t.throws(() => awsEventStreamToSse()(huge), /not accepted/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        awsEventStreamToSse()(bytes);
      } catch (err) {
        return err instanceof Error;
      }
      return true;
    }),
  );
});
