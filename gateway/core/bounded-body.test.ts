import t from 'tap';
import fc from 'fast-check';
import { bounded, EventSpan, readBounded } from './bounded-body.js';
import { LoopSlices } from './loop-slices.js';

class Exceeded extends Error {}
const exceeded = () => new Exceeded('over');

/** A source that counts what it was asked for and whether it was closed early. */
function source(chunks: Uint8Array[]) {
  const state = { pulled: 0, returned: false };
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (i >= chunks.length) return { done: true, value: undefined };
          state.pulled++;
          return { done: false, value: chunks[i++] };
        },
        async return() {
          state.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

/** Cuts `bytes` at the given points (any chunking, empty chunks included). */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

const body = fc.uint8Array({ maxLength: 400 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

t.test('property: any chunking of a body within the limit reads back identically', async () => {
  await fc.assert(
    fc.asyncProperty(body, cuts, fc.nat({ max: 100 }), async (bytes, at, slack) => {
      const { iterable, state } = source(chunked(bytes, at));
      const out = await readBounded(iterable, bytes.length + slack, exceeded);
      return Buffer.compare(out, Buffer.from(bytes)) === 0 && !state.returned;
    }),
    { numRuns: 500 },
  );
});

t.test('property: read in slices, any chunking reads back identically, over-limit bodies still throw', async () => {
  await fc.assert(
    fc.asyncProperty(body, cuts, fc.integer({ min: -50, max: 50 }), async (bytes, at, slack) => {
      const { iterable } = source(chunked(bytes, at));
      const limit = Math.max(0, bytes.length + slack);
      const read = readBounded(iterable, limit, exceeded, new LoopSlices(0));
      if (limit < bytes.length) return (await read.then(() => null, (err: unknown) => err)) instanceof Exceeded;
      return Buffer.compare(await read, Buffer.from(bytes)) === 0;
    }),
    { numRuns: 200 },
  );
});

t.test('read in slices, a source that never waits still lets the loop turn between chunks', async (t) => {
  // An endless source whose chunks are always ready (as a socket's buffered data is): without slices the
  // read would run in microtasks until the bound, and no timer or I/O callback could run meanwhile.
  let pulled = 0;
  const ready: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({ next: async () => (pulled++, { done: false, value: new Uint8Array(1024) }) }),
  };
  let pulledWhenImmediateRan = -1;
  setImmediate(() => (pulledWhenImmediateRan = pulled));
  await t.rejects(readBounded(ready, 1024 * 1024, exceeded, new LoopSlices(0)), { message: 'over' });
  t.ok(pulledWhenImmediateRan >= 0 && pulledWhenImmediateRan < 1025, `the loop turned after ${pulledWhenImmediateRan} of 1025 chunks`);
});

t.test('property: any body over the limit throws, and nothing after the crossing chunk is read', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), cuts, fc.nat(), async (bytes, at, l) => {
      const limit = l % bytes.length; // strictly less than the body
      const chunks = chunked(bytes, at);
      const { iterable, state } = source(chunks);
      const seen: Uint8Array[] = [];
      let threw: unknown = null;
      try {
        for await (const c of bounded(iterable, limit, 'whole', exceeded)) seen.push(c);
      } catch (err) {
        threw = err;
      }
      // The chunk that crosses the limit is the one that was pulled last.
      let total = 0;
      const crossing = chunks.findIndex((c) => (total += c.length) > limit);
      const handedOn = seen.reduce((n, c) => n + c.length, 0);
      return threw instanceof Exceeded && state.pulled === crossing + 1 && state.returned && handedOn <= limit;
    }),
    { numRuns: 500 },
  );
});

// SSE bodies: events of printable text separated by an empty line in any of the three line endings.
const eol = fc.constantFrom('\n', '\r', '\r\n');
const eventText = fc.array(fc.stringMatching(/^[a-z: ]{0,30}$/), { minLength: 1, maxLength: 4 });
const stream = fc.array(fc.tuple(eventText, eol), { minLength: 1, maxLength: 8 }).map((events) =>
  events.map(([lines, e]) => lines.map((l) => `data: ${l}`).join(e) + e + e).join(''),
);

t.test('property: a stream whose every event is within the limit reads back identically, however chunked', async () => {
  await fc.assert(
    fc.asyncProperty(stream, cuts, async (text, at) => {
      const bytes = Buffer.from(text);
      // The largest event, boundary included, plus one byte a CRLF boundary may leave to the next event.
      const events = text.split(/\r\n\r\n|\n\n|\r\r/).map((e) => Buffer.byteLength(e) + 4);
      const limit = Math.max(...events) + 1;
      const { iterable } = source(chunked(bytes, at));
      const out: Uint8Array[] = [];
      for await (const c of bounded(iterable, limit, 'event', exceeded)) out.push(c);
      return Buffer.compare(Buffer.concat(out), bytes) === 0;
    }),
    { numRuns: 500 },
  );
});

t.test('property: an event longer than the limit throws wherever it falls and however it is chunked', async () => {
  await fc.assert(
    fc.asyncProperty(stream, stream, fc.integer({ min: 50, max: 300 }), cuts, async (before, after, size, at) => {
      const big = `data: ${'x'.repeat(size)}\n\n`;
      const bytes = Buffer.from(before + big + after);
      const { iterable, state } = source(chunked(bytes, at));
      let threw: unknown = null;
      try {
        for await (const _ of bounded(iterable, size, 'event', exceeded)) void _;
      } catch (err) {
        threw = err;
      }
      return threw instanceof Exceeded && state.returned;
    }),
    { numRuns: 500 },
  );
});

t.test('EventSpan: boundaries in LF, CR and CRLF, across chunk edges', async (t) => {
  const span = new EventSpan();
  t.equal(span.push(Buffer.from('data: ab\n')), 9);
  t.equal(span.push(Buffer.from('\n')), 10, 'the boundary completes the event');
  t.equal(span.open, 0);
  t.equal(span.push(Buffer.from('data: x\r')), 8);
  t.equal(span.push(Buffer.from('\n\r')), 10);
  t.equal(span.open, 0, 'CRLF CR is an empty line');
  t.equal(span.push(Buffer.from('\ndata: y\r\rz')), 1 + 9, 'the LF closing the CRLF is counted in the next event');
  t.equal(span.open, 1);
});

/** The definition, byte by byte: an empty line (LF, CR or CRLF right after a line ending) ends an event; the longest event-so-far per chunk. */
function referenceSpans(chunks: Uint8Array[]): { longest: number[]; open: number } {
  let open = 0;
  let atLineStart = true;
  let afterCR = false;
  const longest: number[] = [];
  for (const chunk of chunks) {
    let most = 0;
    for (const b of chunk) {
      open++;
      if (b === 0x0a && afterCR) afterCR = false;
      else if (b === 0x0a || b === 0x0d) {
        afterCR = b === 0x0d;
        if (atLineStart) {
          most = Math.max(most, open);
          open = 0;
        }
        atLineStart = true;
      } else {
        atLineStart = false;
        afterCR = false;
      }
    }
    longest.push(Math.max(most, open));
  }
  return { longest, open };
}

t.test('property: EventSpan agrees with the byte-by-byte definition for any bytes and chunking (Buffers or plain Uint8Arrays)', async () => {
  const lineBytes = fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => [0x0a, 0x0d, 0x61, 0x20][x % 4]));
  fc.assert(
    fc.property(fc.oneof(lineBytes, fc.uint8Array({ maxLength: 300 })), cuts, fc.boolean(), (bytes, at, plain) => {
      const chunks = chunked(bytes, at).map((c) => (plain ? c : Buffer.from(c)));
      const span = new EventSpan();
      const got = chunks.map((c) => span.push(c));
      const want = referenceSpans(chunks);
      return JSON.stringify(got) === JSON.stringify(want.longest) && span.open === want.open;
    }),
    { numRuns: 2000 },
  );
});

t.test('an endless body is refused after at most the limit, without reading on', async (t) => {
  let pulled = 0;
  async function* endless() {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1000, 0x61);
    }
  }
  await t.rejects(readBounded(endless(), 10_000, exceeded), { message: 'over' });
  t.equal(pulled, 11);
  pulled = 0;
  await t.rejects(
    (async () => {
      for await (const _ of bounded(endless(), 10_000, 'event', exceeded)) void _;
    })(),
    { message: 'over' },
  );
  t.equal(pulled, 11, 'an event that never ends is cut like a body');
});
