// Whatever a URL carries in its user information, query or fragment (and, without `path`, its path) is not shown.
import t from 'tap';
import fc from 'fast-check';
import { shownUrl } from './shown-url.js';

t.test('property: a secret placed in the user information, query, fragment or (without path) the path is never shown', async () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `CANARY${s}`);
  fc.assert(
    fc.property(secret, fc.constantFrom('user', 'password', 'query', 'fragment', 'path'), fc.boolean(), (s, where, withPath) => {
      if (where === 'path' && withPath) return;
      const url =
        where === 'user' ? `https://${s}@hooks.example.com/a` :
        where === 'password' ? `https://u:${s}@hooks.example.com/a` :
        where === 'query' ? `https://b.example.com/bundle.tar.gz?X-Amz-Signature=${s}` :
        where === 'fragment' ? `https://b.example.com/x#${s}` :
        `https://hooks.slack.com/services/T0/B0/${s}`;
      const shown = shownUrl(url, { path: withPath });
      if (shown.includes('CANARY')) throw new Error(`${where}: ${shown}`);
    }),
  );
});

t.test('what names the place is kept', async (t) => {
  t.equal(shownUrl('https://u:p@b.example.com:8443/fleet/bundle.tar.gz?sig=x', { path: true }), 'https://b.example.com:8443/fleet/bundle.tar.gz');
  t.equal(shownUrl('https://hooks.slack.com/services/T0/B0/secret', { path: false }), 'https://hooks.slack.com');
  t.equal(shownUrl('not a url', { path: true }), '(a URL that does not parse)');
});
