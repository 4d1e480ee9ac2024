// The egress proxy's password (HTTPS_PROXY / HTTP_PROXY user info, issue 24) is one of the gateway's secrets:
// a canary planted there never survives the scrubber that guards answers and log lines.
import t from 'tap';
import { gatewayScrubber } from './gateway-secrets.js';
import { validateConfig } from '../config/load.js';

t.test('proxy passwords are scrubbed, raw and percent-decoded', async (t) => {
  const config = validateConfig({ providers: { p: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', licence: 'x' } }, models: { m: { provider: 'p', upstreamModel: 'm' } } }, 'test.yaml');
  const canary = 'canary-proxy-pass-7f3a9c';
  const scrubber = gatewayScrubber(config, { HTTPS_PROXY: `http://egress:${canary}@proxy.corp:3128`, http_proxy: 'http://u:canary%2Fslash-51e2@proxy.corp:3128' });
  const text = `proxy said: 407 for egress:${canary} and u:canary/slash-51e2 and u:canary%2Fslash-51e2`;
  const out = scrubber.scrub(text);
  t.notMatch(out, canary);
  t.notMatch(out, 'canary/slash-51e2');
  t.notMatch(out, 'canary%2Fslash-51e2');
  t.match(out, 'proxy said: 407', 'the rest of the text is kept');
});
