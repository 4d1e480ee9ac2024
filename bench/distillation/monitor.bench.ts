// What the distillation monitor costs. On the request path: building the call's event, handing it over
// (observe) and reading the caller's risk for the policy input, per call (aim: p50 ≤ 20 µs). Off it: the
// signals of one event per KB of prompt, and the memory each key costs once its bounded maps are full.
// Run: npx tsx bench/distillation/monitor.bench.ts [PROMPTS_PER_KEY]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Decision, ModelRoute, Principal } from '../../gateway/core/contracts.js';
import { DistillationMonitor } from '../../gateway/distillation/monitor.js';
import { distillationEvent } from '../../gateway/request-path/distillation-event.js';

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))];
const words = 'the gateway decides signs and hands over while the runner trusts nothing it cannot verify explain reasoning customer report'.split(' ');
const text = (i: number, n: number) => Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3 + (k * k) % 11) % words.length]).join(' ') + ` ${i}`;
const route: ModelRoute = { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' };
const decision = { id: 'd', revision: 'r', request: { allow: true, reasons: [], obligations: { watermark: true, content_logging: 'full', redactions: [] } }, training: { permit: false, licence: 'openai-services-agreement', licence_class: 'not-for-competing-models', attribution: [], naming: [], duties: [], inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] }, reasons: [] } } as Decision;
const principal = (k: number): Principal => ({ keyId: `key-${k}`, team: `team-${k % 20}`, project: `project-${k % 50}`, defaultPurpose: 'general', allowedPurposes: ['general'] });

async function requestPathCost(keys: number, n: number): Promise<void> {
  const monitor = new DistillationMonitor({ maxQueue: 100_000 });
  const principals = Array.from({ length: keys }, (_, k) => principal(k));
  const bodies = Array.from({ length: 1000 }, (_, i) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text(i, 60) }], max_tokens: 512, temperature: 0.7 }));
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const body = bodies[i % bodies.length];
    const p = principals[i % keys];
    const t0 = process.hrtime.bigint();
    monitor.risk(p);
    monitor.observe(distillationEvent({ decision, principal: p, purpose: 'general', route, prompt: body.messages, body, outputTokens: 300, refusedForTraining: false }));
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    // Let the monitor drain as the event loop would between calls.
    if (i % 500 === 499) await monitor.settled();
  }
  samples.sort();
  console.log(`request path (risk + event + observe), ${keys} keys, n=${n}: p50=${pct(samples, 0.5).toFixed(2)} µs p99=${pct(samples, 0.99).toFixed(2)} µs max=${samples[n - 1].toFixed(1)} µs (dropped ${monitor.stats().dropped})`);
}

function offPathCost(words: number, n: number): void {
  const monitor = new DistillationMonitor();
  const events = Array.from({ length: n }, (_, i) => distillationEvent({ decision, principal: principal(i % 100), purpose: 'general', route, prompt: [{ role: 'user', content: text(i, words) }], body: {}, outputTokens: 300, refusedForTraining: false }));
  const kb = JSON.stringify(events[0].prompt).length / 1024;
  const t0 = process.hrtime.bigint();
  for (const e of events) monitor.process(e);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`off the request path: signals of one event with a ${kb.toFixed(1)} KB prompt: ${us.toFixed(1)} µs (${(us / kb).toFixed(1)} µs per KB), ${Math.round(1e6 / us)} events/s on one core`);
}

function memoryPerKey(keys: number, callsPerKey: number): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Typed arrays live outside the V8 heap: both count.
  const used = () => (gc(), process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);
  const before = used();
  const monitor = new DistillationMonitor();
  for (let c = 0; c < callsPerKey; c++)
    for (let k = 0; k < keys; k++) monitor.process(distillationEvent({ decision, principal: principal(k), purpose: 'general', route, prompt: [{ role: 'user', content: text(c * keys + k, 40) }], body: {}, outputTokens: 300, refusedForTraining: false }));
  const mb = (used() - before) / 1e6;
  console.log(`memory: ${keys} keys × ${callsPerKey} distinct prompts each (${monitor.stats().scopes} scopes): ${mb.toFixed(1)} MB, ${((mb * 1000) / keys).toFixed(0)} KB per key`);
}

// With an argument, only the memory per key after that many distinct prompts each (one figure per process).
if (!process.argv[2]) {
  await requestPathCost(1, 50_000);
  await requestPathCost(1000, 50_000);
  offPathCost(60, 20_000);
  offPathCost(600, 5_000);
}
memoryPerKey(1000, Number(process.argv[2] ?? 100));
