// Only true asks for a stream; false, null or no field ask for JSON; anything else is refused.
import t from 'tap';
import fc from 'fast-check';
import { streamFlag } from './stream-flag.js';

t.test('property: every JSON value of stream but a boolean or null is refused, never read as a request for either shape', async () => {
  fc.assert(
    fc.property(fc.jsonValue(), (stream) => {
      const got = streamFlag({ stream });
      if (stream === true) return got === true;
      if (stream === false || stream === null) return got === false;
      return typeof got === 'string';
    }),
  );
});

t.test('the values a lax provider reads as true are refused', async (t) => {
  for (const stream of ['true', 'True', 1, '1', 'yes', 'on', [true], { on: true }]) t.equal(streamFlag({ stream }), '`stream` must be true or false', JSON.stringify(stream));
  t.equal(streamFlag({}), false, 'no field');
});
