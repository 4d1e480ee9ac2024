import t from 'tap';
import fc from 'fast-check';
import { proxyCredentials, proxyEnvironment } from './proxy-environment.js';

t.test('lower case wins, HTTPS_PROXY falls back to HTTP_PROXY', async (t) => {
  t.same(proxyEnvironment({ HTTP_PROXY: 'http://a:1', NO_PROXY: 'x' }), { httpProxy: 'http://a:1', httpsProxy: 'http://a:1', noProxy: 'x' });
  t.same(proxyEnvironment({ https_proxy: 'http://b:2', HTTPS_PROXY: 'http://c:3', no_proxy: 'y', NO_PROXY: 'z' }), { httpProxy: '', httpsProxy: 'http://b:2', noProxy: 'y' });
  t.same(proxyEnvironment({}), { httpProxy: '', httpsProxy: '', noProxy: '' });
});

t.test('the password of a proxy URL is a secret, raw and percent-decoded; anything unparsable yields none', async (t) => {
  t.same(proxyCredentials({ HTTPS_PROXY: 'http://user:p%40ss-word@proxy:3128' }), ['p%40ss-word', 'p@ss-word']);
  t.same(proxyCredentials({ HTTPS_PROXY: 'not a url', HTTP_PROXY: 'http://proxy:3128' }), []);
  fc.assert(
    fc.property(fc.string({ minLength: 4, maxLength: 40 }), fc.string({ maxLength: 20 }), (password, user) => {
      const url = `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@proxy.internal:3128`;
      t.ok(proxyCredentials({ HTTPS_PROXY: url }).includes(password) || password.length < 4);
      // Never throws on arbitrary values.
      proxyCredentials({ HTTPS_PROXY: user + password, HTTP_PROXY: password });
    }),
    { numRuns: 200 },
  );
});
