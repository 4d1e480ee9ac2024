// Top functions by self time in a V8 CPU profile (from `run.js --cpu-prof`), for finding what the
// hot path spends its time on without a browser:
//   node dist/bench/profile-summary.js bench/tmp/profiles/CPU….cpuprofile [--top 30]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function selfTimes(profile: Profile): { name: string; ms: number; pct: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const us = profile.timeDeltas[i] ?? 0;
    totals.set(key, (totals.get(key) ?? 0) + us);
    all += us;
  }
  return [...totals.entries()].map(([name, us]) => ({ name, ms: us / 1000, pct: all > 0 ? (100 * us) / all : 0 })).sort((a, b) => b.ms - a.ms);
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
if (positionals.length !== 1) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const rows = selfTimes(JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile).slice(0, Number(values.top));
for (const r of rows) process.stdout.write(`${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}\n`);
