import t from 'tap';
import { parse } from 'yaml';
import { hashSecret } from '../core/secret-hash.js';
import { VirtualKeys } from '../auth/virtual-keys.js';
import { run } from './keys.js';

t.test('keys create prints a key once and a config entry holding only its hash', async (t) => {
  let out = '';
  const code = await run(['create', '--team', 'search', '--purpose', 'general', '--purpose', 'evaluation'], { write: (s: string) => (out += s) });
  t.equal(code, 0);
  const key = /virtual key[^:]*: (\S+)/.exec(out)![1];
  const entry = parse(out.slice(out.indexOf('\n  - ')))[0];
  t.equal(entry.hash, hashSecret(key));
  t.equal(entry.team, 'search');
  t.same(entry.allowedPurposes, ['general', 'evaluation']);
  t.equal(out.split(key).length, 2, 'the key appears exactly once');
  const principal = new VirtualKeys([entry]).authenticate({ authorization: `Bearer ${key}` });
  t.equal(principal?.team, 'search', 'the printed entry authenticates the printed key');
  t.equal(new VirtualKeys([entry]).authenticate({ 'x-api-key': key })?.keyId, entry.id, 'x-api-key works too');
  t.equal(new VirtualKeys([entry]).authenticate({ authorization: 'Bearer other' }), null);
});

t.test('usage errors exit 2', async (t) => {
  t.intercept(process.stderr, 'write', { value: () => true });
  t.equal(await run(['create']), 2);
  t.equal(await run(['delete', '--team', 'x']), 2);
});
