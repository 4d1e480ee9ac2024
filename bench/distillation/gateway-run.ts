// The smaller evaluation run through the real gateway (demo configuration, mock provider, every stage
// real): for each of three campaigns, a fresh gateway where ordinary keys of each profile and the campaign
// send their calls over HTTP at once; reports how many calls the campaign made before the default policy
// refused it (distillation.high_risk) and whether any ordinary call was refused or warned. The campaign's
// key is in team demo, the ordinary keys in ml-research, so that its team risk does not reach them.
// Run: npx tsx bench/distillation/gateway-run.ts [--calls N]
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../gateway/core/secret-hash.js';
import { rngFrom } from '../../gateway/mock-upstream/rng.js';
import { startDemoGateway } from '../../test/support/demo-gateway.js';
import { campaign, Corpora, ordinary, PROFILES, PROVIDERS, type Shape } from './traffic.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '150' } } });
const CALLS = Number(values.calls);
const rng = rngFrom(2026);
const corpora = new Corpora(rng);
const secret = () => 'tg-bench-' + randomBytes(12).toString('hex');

interface Runner {
  id: string;
  key: string;
  kind: string;
  model: string;
  next: (i: number) => Shape;
}
const ordinaryRunners = (): Runner[] => PROFILES.map((profile, i) => ({ id: `dev-${profile}`, key: secret(), kind: `ordinary ${profile}`, model: PROVIDERS[i % 2].model, next: () => ordinary(rng, corpora, profile) }));

async function run(url: string, r: Runner): Promise<{ r: Runner; refusedAt: number | null; refused: number; warned: number }> {
  let refusedAt: number | null = null;
  let warned = 0;
  let refused = 0;
  for (let i = 0; i < CALLS; i++) {
    const s = r.next(i);
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: r.model, messages: [{ role: 'user', content: s.text }], ...(s.maxTokens ? { max_tokens: s.maxTokens } : {}), ...(s.temperature !== null && s.temperature !== undefined ? { temperature: s.temperature } : {}), ...(s.n && s.n > 1 ? { n: s.n } : {}) }),
    });
    const body = await res.text();
    if (res.headers.get('x-termsgate-warning')) warned++;
    if (res.status === 403 && body.includes('distillation.high_risk')) {
      refused++;
      refusedAt ??= i + 1;
      // A campaign refused is done; an ordinary key keeps going to count every refusal.
      if (r.kind.startsWith('campaign')) break;
    }
  }
  return { r, refusedAt, refused, warned };
}

const t0 = performance.now();
const rows: string[] = [];
const ordinaryTotals = new Map<string, { refused: number; warned: number; calls: number }>();
for (const kind of ['templated-sweep', 'reasoning', 'low-and-slow']) {
  const c = campaign(rng, corpora, kind, [], Date.now());
  const runners = [...ordinaryRunners(), { id: `campaign-${kind}`, key: secret(), kind: `campaign ${kind}`, model: c.provider.model, next: (i: number) => c.next(rng, i) }];
  const gw = await startDemoGateway((config) => {
    for (const r of runners) config.keys.push({ id: r.id, hash: hashSecret(r.key), team: r.kind.startsWith('campaign') ? 'demo' : 'ml-research', project: r.id, defaultPurpose: 'general', allowedPurposes: ['general'] });
  });
  const results = await Promise.all(runners.map((r) => run(gw.url, r)));
  const risk = (await (await fetch(`${gw.url}/admin/v1/distillation-risk?kind=key`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { scopes: { scope: string; level: string; score: number }[] };
  const own = risk.scopes.find((s) => s.scope === `key:campaign-${kind}`);
  for (const x of results) {
    if (x.r.kind.startsWith('campaign')) rows.push(`| ${x.r.kind} | ${x.r.model} | ${x.refusedAt ?? '–'} | ${own?.level} (${own?.score}) |`);
    else {
      const o = ordinaryTotals.get(x.r.kind) ?? { refused: 0, warned: 0, calls: 0 };
      ordinaryTotals.set(x.r.kind, { refused: o.refused + x.refused, warned: o.warned + x.warned, calls: o.calls + CALLS });
    }
  }
  await gw.close();
}
console.log(`distillation through the real gateway: three runs of 6 ordinary keys and one campaign, up to ${CALLS} calls per key, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
console.log('| campaign | model | refused at call | key risk at the end |\n|---|---|---:|---|');
for (const r of rows) console.log(r);
console.log('\n| ordinary key | calls | refused | answers with a warning |\n|---|---:|---:|---:|');
for (const [kind, o] of ordinaryTotals) console.log(`| ${kind} | ${o.calls} | ${o.refused} | ${o.warned} |`);
