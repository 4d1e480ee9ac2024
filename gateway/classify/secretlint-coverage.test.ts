// secretlint's recommended preset is not run on requests (its per-call cost); its types are covered by
// gitleaks' rules, the detector table and the few of its patterns kept as data (preset-rules.ts). Proof:
// every sample its own tests say must be found (fixtures/secretlint-samples.json, written by
// scripts/secretlint-samples.ts with the spans the installed preset finds) is found by the scan at each of
// those spans, as a secret.
import t from 'tap';
import fixture from './fixtures/secretlint-samples.json' with { type: 'json' };
import { scanBody } from './body.js';

const limits = { decodedBytes: 1 << 20 };

t.test(`every sample of secretlint ${fixture.version}'s preset is found where the preset finds it`, async (t) => {
  t.ok(fixture.samples.length >= 40, `${fixture.samples.length} samples`);
  const missed: string[] = [];
  for (const s of fixture.samples) {
    const { findings, pieces } = scanBody({ model: 'm', messages: [{ role: 'user', content: s.text }] }, limits);
    const spans = findings.filter((f) => f.dataClass.startsWith('secret.')).flatMap((f) => f.spans.filter((w) => pieces[w.piece].path === 'messages[0].content'));
    for (const [start, end] of s.spans) {
      if (!spans.some((w) => w.start < end && start < w.end)) missed.push(`${s.rule}/${s.name} ${JSON.stringify(s.text.slice(start, end))}`);
    }
  }
  t.same(missed, [], 'no span the preset finds is missed');
});
