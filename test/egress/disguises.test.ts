// Every disguise of a secret the issue names (and more), at the capture server: denied, and nothing
// reaches the stand-in provider.
import t from 'tap';
import { startDemoGateway } from '../support/demo-gateway.js';
import { disguises } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

for (const disguise of disguises) {
  t.test(disguise.name, async (t) => {
    const r = await send(gw, disguise.endpoint, disguise.body());
    t.equal(r.status, 403, 'denied');
    t.match(r.body.error?.message, /secret/, 'as a secret');
    t.equal(r.received, '', 'nothing reached the provider');
  });
}
