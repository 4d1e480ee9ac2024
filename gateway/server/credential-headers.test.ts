import t from 'tap';
import fc from 'fast-check';
import { duplicatedCredential } from './credential-headers.js';

t.test('a credential header twice, in any case and among any others, is found; once is not', async (t) => {
  const other = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !['authorization', 'x-api-key', 'api-key', 'x-goog-api-key'].includes(n));
  const cred = fc.constantFrom('authorization', 'Authorization', 'X-API-KEY', 'x-api-key', 'api-key', 'x-goog-api-key');
  fc.assert(
    fc.property(fc.array(other, { maxLength: 20 }), cred, fc.nat(20), fc.nat(20), (names, c, i, j) => {
      const once = [...names];
      once.splice(i % (once.length + 1), 0, c);
      const flat = (ns: string[]) => ns.flatMap((n) => [n, 'v']);
      if (duplicatedCredential(flat(once)) !== undefined) return false;
      const twice = [...once];
      twice.splice(j % (twice.length + 1), 0, c.toUpperCase());
      return duplicatedCredential(flat(twice)) === c.toLowerCase();
    }),
  );
  t.equal(duplicatedCredential(['authorization', 'a', 'x-api-key', 'b']), undefined, 'two different credentials are left to auth');
});
