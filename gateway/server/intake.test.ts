import t from 'tap';
import fc from 'fast-check';
import { jsonShapeFault, nestingExceeds } from '../text/json-nesting.js';
import { parseJson } from './intake.js';

function depth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depth));
  if (v !== null && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depth));
  return 0;
}

t.test('property: the scan agrees with the depth of the parsed value, whatever the strings hold', async (t) => {
  const tricky = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\"', '[', ']', '{', '}', '\\\\"[', '"}]'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(tricky, tie('node'), { maxKeys: 3 })),
  })).node;
  fc.assert(
    fc.property(value, fc.integer({ min: 0, max: 8 }), (v, max) => nestingExceeds(JSON.stringify(v), max) === depth(v) > max),
    { numRuns: 3000 },
  );
});

t.test('parseJson refuses deep input before parsing, and reports bad JSON as 400', async (t) => {
  t.throws(() => parseJson('['.repeat(65) + ']'.repeat(65), 64), { statusCode: 400, code: 'TG_TOO_DEEP' });
  t.same(parseJson('['.repeat(64) + ']'.repeat(64), 64), JSON.parse('['.repeat(64) + ']'.repeat(64)));
  t.throws(() => parseJson('{"a":', 64), { statusCode: 400 });
});

t.test('parseJson refuses numbers beyond double range (they parse to Infinity) as 400, and keeps every finite one', async (t) => {
  for (const raw of ['{"t":1e400}', '[-1E+309]', `{"n":1${'0'.repeat(400)}}`, '{"a":[{"b":2.5e999}]}']) {
    t.throws(() => parseJson(raw, 64), { statusCode: 400, code: 'TG_NUMBER_RANGE' }, raw.slice(0, 30));
  }
  t.same(parseJson('{"t":1e-400,"u":1e308,"s":"1e400"}', 64), { t: 0, u: 1e308, s: '1e400' });
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => (parseJson(JSON.stringify({ x }), 4) as { x: number }).x === x),
    { numRuns: 2000 },
  );
});

t.test('property: a malformed body\'s message quotes none of the body — no six characters of a secret in it', async () => {
  // V8 quotes up to ten characters around the fault ("Unexpected token 'A', ...\"content\":AKIAIOSFOD\"..."),
  // which went into the audit record's error and the log.
  // Upper case and digits, as AWS key ids: no run of six of them is a word of V8's own messages.
  const secret = fc.stringMatching(/^[A-Z0-9]{8,40}$/);
  const malformed = fc.constantFrom(
    (s: string) => `{"model":"m","messages":[{"role":"user","content":${s}}]}`,
    (s: string) => `{"content":"${s}`,
    (s: string) => `[${s}]`,
    (s: string) => s,
    (s: string) => `{"a":"x" ${s}}`,
    (s: string) => `{"a":"x"}${s}`,
    (s: string) => `{${s}:1}`,
    (s: string) => `{"a":"${s}\u0001"}`,
    (s: string) => `{"a":"\\${s}"}`,
  );
  fc.assert(
    fc.property(secret, malformed, (s, wrap) => {
      const raw = wrap(s);
      let message: string;
      try {
        JSON.parse(raw);
        return true; // some wrappings of some strings are valid JSON (a number, say)
      } catch {
        try {
          parseJson(raw, 64);
          return false;
        } catch (err) {
          message = (err as Error).message;
        }
      }
      for (let i = 0; i + 6 <= s.length; i++) if (message.includes(s.slice(i, i + 6))) return false;
      return true;
    }),
    { numRuns: 2000 },
  );
});

t.test('a body with a byte order mark is refused by name, not as a quote of the body', async (t) => {
  t.throws(() => parseJson('\uFEFF{"a":1}', 64), { statusCode: 400, code: 'TG_BYTE_ORDER_MARK', message: /byte order mark/ });
  t.throws(() => parseJson('{"a":', 64), { statusCode: 400, message: /^Unexpected end of JSON input$/ }, 'a message that quotes nothing is kept');
});

function widest(v: unknown): number {
  if (Array.isArray(v)) return Math.max(0, ...v.map(widest));
  if (v !== null && typeof v === 'object') return Math.max(Object.keys(v).length, ...Object.values(v).map(widest));
  return 0;
}

t.test('property: the scan finds an object wider than the cap exactly when there is one, whatever the strings hold', async () => {
  const tricky = fc.oneof(fc.string(), fc.constantFrom(',', '","', '\\",', '{,,,}', '[,]', '\\\\",{'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.array(tie('node'), { maxLength: 6 }), fc.dictionary(tricky, tie('node'), { maxKeys: 6 })),
  })).node;
  fc.assert(
    fc.property(value, fc.integer({ min: 1, max: 5 }), (v, max) => (jsonShapeFault(JSON.stringify(v), 64, max) === 'keys') === widest(v) > max),
    { numRuns: 3000 },
  );
});

t.test('parseJson refuses an object of more members than the cap before parsing it, as 400', async (t) => {
  const wide = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":[0,1,2]`).join(',')}}`;
  t.throws(() => parseJson(`{"a":${wide(1001)}}`, 64, 1000), { statusCode: 400, code: 'TG_TOO_MANY_KEYS', message: /more than 1000 members \(intake\.maxObjectKeys\)/ });
  t.equal(Object.keys((parseJson(`{"a":${wide(1000)}}`, 64, 1000) as { a: object }).a).length, 1000, 'exactly the cap is accepted');
  t.doesNotThrow(() => parseJson(`[${Array.from({ length: 5000 }, () => 0).join(',')}]`, 64, 1000), 'arrays are not capped');
});
