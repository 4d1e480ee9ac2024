// Disguised personal data at the capture server (issue 23, #5): for a team that refuses card numbers,
// national ids and phone numbers to external providers, each disguise is refused before the provider
// sees it, and the same field carrying a look-alike (a clause number, a version, a date) is forwarded.
import t from 'tap';
import { assertRefused, sendFiled } from './capture.js';
import { startTeamGateway } from './team-gateway.js';

const gw = await startTeamGateway(t, 'no-personal-data', { deny_external_data_classes: ['pii.card', 'pii.national_id', 'pii.phone'] });

const disguised: Array<[string, string, string]> = [
  ['card with dots', '4111.1111.1111.1111', 'pii.card'],
  ['card with slashes', '5500/0000/0000/0004', 'pii.card'],
  ['card in Arabic-Indic digits', '٤١١١ ١١١١ ١١١١ ١١١١', 'pii.card'],
  ['card in Devanagari digits', '४१११-११११-११११-११११', 'pii.card'],
  ['card in fullwidth digits', '４１１１　１１１１　１１１１　１１１１', 'pii.card'],
  ['card spelt out', 'four one one one, one one one one, one one one one, one one one one', 'pii.card'],
  ['SSN with spaces', '123 45 6789', 'pii.national_id'],
  ['SSN with dots', '123.45.6789', 'pii.national_id'],
  ['phone with slashes', '030/1234567', 'pii.phone'],
];

for (const [name, value, dataClass] of disguised) {
  t.test(`${name}: refused, nothing reaches the provider`, async (t) => {
    assertRefused(t, await sendFiled(gw, value), dataClass, value);
  });
}

t.test('look-alikes in the same field are forwarded as written', async (t) => {
  for (const value of ['DFARS 252.227-7013', 'version 10.0.19041.1234', 'on 2024/11/28', 'git@github.com:acme/repo-1234567890.git', 'one two three four five']) {
    const r = await sendFiled(gw, value);
    t.equal(r.status, 200, value);
    t.match(r.received, value, 'the field reached the provider');
  }
});
