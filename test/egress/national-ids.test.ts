// National ids at the capture server (issue 23): for a team that refuses national ids to external
// providers, each id's specimen (gateway/classify/national-ids.test.ts) is refused before the provider sees
// it, and the same digits without their label or with a failing checksum are forwarded.
import t from 'tap';
import { assertRefused, sendFiled } from './capture.js';
import { startTeamGateway } from './team-gateway.js';
import { specimens } from '../../gateway/classify/fixtures/national-id-specimens.js';

const gw = await startTeamGateway(t, 'no-personal-data', { deny_external_data_classes: ['pii.national_id'] });

for (const [name, text] of specimens) {
  t.test(`${name} (${text}): refused, nothing reaches the provider`, async (t) => {
    assertRefused(t, await sendFiled(gw, text), 'pii.national_id', text);
  });
}

t.test('the same digits unlabelled or with a failing checksum are forwarded as written', async (t) => {
  for (const value of ['order 111222333 shipped', 'row 44051401359', 'NIR 295109912611194', 'DNI 54362315-L', 'host 10.162.111.216']) {
    const r = await sendFiled(gw, value);
    t.equal(r.status, 200, value);
    t.match(r.received, value, 'the field reached the provider');
  }
});
