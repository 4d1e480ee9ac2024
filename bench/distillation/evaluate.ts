// The distillation evaluation: a simulated fortnight of ordinary developer traffic from many keys with
// extraction campaigns mixed in, driven through the monitor directly (for volume). Reports the share of
// campaigns flagged at high within 2,000 of their calls, calls until detection, and false alarms at
// high per 1,000 key-days of ordinary traffic. Aims: ≥ 95 % within 2,000 calls; ≤ 1 per 1,000 key-days.
// Run: npx tsx bench/distillation/evaluate.ts [--keys N] [--days D] [--campaigns-per-kind C] [--seed S]
import { parseArgs } from 'node:util';
import type { DistillationEvent, Principal } from '../../gateway/core/contracts.js';
import { DistillationMonitor } from '../../gateway/distillation/monitor.js';
import { intBetween, pick, rngFrom } from '../../gateway/mock-upstream/rng.js';
import { campaign, CAMPAIGNS, Corpora, DAY_MS, ordinary, PROFILES, PROVIDERS, toEvent, type Campaign } from './traffic.js';

const { values } = parseArgs({ options: { keys: { type: 'string', default: '300' }, days: { type: 'string', default: '14' }, 'campaigns-per-kind': { type: 'string', default: '12' }, seed: { type: 'string', default: '26' } } });
const KEYS = Number(values.keys);
const DAYS = Number(values.days);
const PER_KIND = Number(values['campaigns-per-kind']);
const rng = rngFrom(Number(values.seed));
const T0 = Date.UTC(2026, 10, 2);
const TEAMS = ['web', 'mobile', 'data', 'support', 'research', 'platform', 'ml'];
const principal = (id: string, team: string): Principal => ({ keyId: id, team, project: `${team}-${id.length % 3}`, defaultPurpose: 'general', allowedPurposes: ['general'] });

const corpora = new Corpora(rng);
const events: DistillationEvent[] = [];

// Ordinary keys: a profile, a usual provider, a pace (a few to a few hundred calls a weekday, fewer at weekends).
const ordinaryKeys = new Set<string>();
for (let k = 0; k < KEYS; k++) {
  const p = principal(`dev-${k}`, pick(rng, TEAMS));
  ordinaryKeys.add(p.keyId);
  const profile = pick(rng, PROFILES);
  const usual = pick(rng, PROVIDERS);
  const pace = Math.round(Math.exp(rng() * Math.log(300))) + 2;
  for (let d = 0; d < DAYS; d++) {
    const weekend = d % 7 >= 5;
    const calls = weekend ? Math.floor(pace * 0.3 * rng()) : intBetween(rng, Math.floor(pace / 2), pace);
    for (let i = 0; i < calls; i++) events.push(toEvent(p, rng() < 0.8 ? usual : pick(rng, PROVIDERS), ordinary(rng, corpora, profile), T0 + d * DAY_MS + 8 * 3600_000 + rng() * 10 * 3600_000));
  }
}

// Campaigns, each on its own key (several for multi-key) in an ordinary team, starting within the first week.
const campaigns: Campaign[] = [];
let c = 0;
for (const kind of CAMPAIGNS)
  for (let j = 0; j < PER_KIND; j++) {
    const team = pick(rng, TEAMS);
    const keys = Array.from({ length: kind === 'multi-key' ? 4 : 1 }, (_, i) => principal(`campaign-${c}-${i}`, team));
    const cp = campaign(rng, corpora, kind, keys, T0 + intBetween(rng, 0, Math.max(0, DAYS - 7)) * DAY_MS);
    campaigns.push(cp);
    c++;
    let i = 0;
    for (let d = 0; d < cp.days; d++)
      for (let n = 0; n < cp.perDay; n++) {
        const key = cp.keys[i % cp.keys.length];
        // Spread over the whole day: campaigns run around the clock.
        events.push(toEvent(key, cp.provider, cp.next(rng, i), cp.start + d * DAY_MS + rng() * DAY_MS));
        i++;
      }
  }
events.sort((a, b) => a.time - b.time);

// Calls per campaign key until its key scope is first high; false alarms are ordinary keys reaching high.
const calls = new Map<string, number>();
const detectedAt = new Map<string, number>();
const falseAlarms: { key: string; score: number; signals: string }[] = [];
const monitor = new DistillationMonitor({
  onLevelChange: (risk) => {
    if (risk.level !== 'high' || !risk.scope.startsWith('key:')) return;
    const key = risk.scope.slice(4);
    if (ordinaryKeys.has(key)) falseAlarms.push({ key, score: risk.score, signals: risk.signals.map((s) => `${s.name} ${s.strength}`).join(', ') });
    else if (!detectedAt.has(key)) detectedAt.set(key, calls.get(key) ?? 0);
  },
});
const t0 = performance.now();
for (const e of events) {
  calls.set(e.principal.keyId, (calls.get(e.principal.keyId) ?? 0) + 1);
  monitor.process(e);
}
const seconds = (performance.now() - t0) / 1000;

const ordinaryCalls = events.filter((e) => ordinaryKeys.has(e.principal.keyId)).length;
console.log(`distillation evaluation (seed ${values.seed}): ${KEYS} ordinary keys × ${DAYS} days = ${KEYS * DAYS} key-days, ${ordinaryCalls} ordinary calls; ${campaigns.length} campaigns, ${events.length - ordinaryCalls} campaign calls; ${events.length} events in ${seconds.toFixed(1)} s (${Math.round(events.length / seconds)} events/s)`);
const rows: string[] = [];
let flagged = 0;
for (const kind of CAMPAIGNS) {
  const mine = campaigns.filter((cp) => cp.kind === kind);
  // A campaign is detected when any of its keys is; its calls until then are all its keys' calls.
  const until = mine.map((cp) => {
    const at = cp.keys.map((k) => detectedAt.get(k.keyId)).filter((x): x is number => x !== undefined);
    return at.length ? Math.min(...at) * cp.keys.length : null;
  });
  const within = until.filter((u) => u !== null && u <= 2000).length;
  flagged += within;
  const found = until.filter((u): u is number => u !== null).sort((a, b) => a - b);
  const median = found.length ? found[Math.floor(found.length / 2)] : null;
  rows.push(`| ${kind} | ${mine.length} | ${within}/${mine.length} | ${found.length}/${mine.length} | ${median ?? '–'} | ${found.at(-1) ?? '–'} |`);
}
console.log('\n| campaign | n | high within 2,000 calls | high at all | median calls until high | most calls until high |\n|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\ndetection: ${flagged}/${campaigns.length} = ${((100 * flagged) / campaigns.length).toFixed(1)} % of campaigns at high within 2,000 of their calls (aim ≥ 95 %)`);
console.log(`false alarms: ${falseAlarms.length} ordinary keys reached high in ${KEYS * DAYS} key-days = ${((1000 * falseAlarms.length) / (KEYS * DAYS)).toFixed(2)} per 1,000 key-days (aim ≤ 1)`);
for (const f of falseAlarms.slice(0, 5)) console.log(`  false alarm ${f.key}: score ${f.score}: ${f.signals}`);
for (const cp of campaigns.filter((cp) => !cp.keys.some((k) => detectedAt.has(k.keyId))).slice(0, 8)) {
  const r = monitor.get(`key:${cp.keys[0].keyId}`);
  console.log(`  missed ${cp.kind} (${cp.perDay}/day): score ${r?.score}: ${r?.signals.map((s) => `${s.name} ${s.strength} (${s.value})`).join(', ')}`);
}
const levels = new Map<string, number>();
for (const k of ordinaryKeys) {
  const level = monitor.get(`key:${k}`)?.level ?? 'low';
  levels.set(level, (levels.get(level) ?? 0) + 1);
}
console.log(`ordinary keys at the end: ${[...levels].map(([l, n]) => `${n} ${l}`).join(', ')}`);
