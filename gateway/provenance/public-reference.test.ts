import t from 'tap';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speeches } from '../mock-upstream/corpus.js';
import { createProvenance } from './provenance.js';
import { publicReference } from './public-reference.js';

const licences = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>;
const mit = licences.MIT.licenseText;
const apache = licences['Apache-2.0'].licenseText.split(/\s+/).slice(300, 420).join(' ');
const prose = speeches({ range: [1990, 2000] }).map((s) => s.text.split(/\s+/));

t.test('public text is attributed to its public source, never to the call that quoted it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-public-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: { keyId: 'k', macSecret: randomBytes(32) } });
  const own = prose[0].slice(100, 300).join(' ');
  // A restricted output that quotes the MIT licence and a passage of the Apache licence, a hundred times.
  for (let i = 0; i < 100; i++) p.remember({ decisionId: `restricted-${i}`, text: `${own}\n\n${mit}\n\n${apache}`, licence: 'openai-terms', trainable: false, time: '' });
  await p.flush();

  const genuine = `${prose[3].slice(50, 200).join(' ')}\n\n${mit}`;
  const scanned = p.detect(genuine);
  t.equal(scanned.restricted, false, 'a trainable record quoting the MIT licence is not restricted');
  t.equal(scanned.origin, null, 'and names no call');
  t.ok(scanned.spans.some((s) => s.origin === 'public' && /SPDX MIT\)/.test(s.licence ?? '') && !s.restricted), 'the quote is attributed to the MIT licence');
  t.match(p.detect(apache).spans.find((s) => s.origin === 'public'), { licence: /Apache-2\.0/, restricted: false }, 'an excerpt of the Apache licence alone');
  t.match(p.detect(`${own}\n\n${mit}`), { restricted: true, decision_id: /^restricted-/ }, 'the output\'s own prose beside the quote is still restricted');
  t.match(p.detect(own.replace(/ the /g, ' basically the ')), { restricted: true }, 'and so is a laundered copy of it');
  await p.close();
});

t.test('the reference is built once from the shipped licence texts', async (t) => {
  const ref = publicReference();
  t.ok(ref.sources.length >= 20, `${ref.sources.length} sources`);
  t.ok(ref.shingles.size > 10_000 && ref.loose.size > 10_000, `${ref.shingles.size} shingles, ${ref.loose.size} loose pairs`);
  t.equal(publicReference(), ref);
});
