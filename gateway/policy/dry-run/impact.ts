// The impact of a policy change in a lawyer's words: changed decisions grouped by direction, rule,
// team, model and purpose, each group one sentence with a few decision ids to open. Pure.
import type { DecisionChange, Direction, ImpactGroup } from './report.js';

export const EXAMPLES = 5;

const VERB: Record<Direction, string> = {
  'allowed-to-denied': 'would now be denied',
  'denied-to-allowed': 'would now be allowed',
  'trainable-to-not': 'would no longer be allowed to train our models',
  'not-to-trainable': 'would now be allowed to train our models',
};

function directionOf(c: DecisionChange): Direction {
  if (c.before.decision !== c.after.decision) return c.after.decision === 'deny' ? 'allowed-to-denied' : 'denied-to-allowed';
  return c.after.trainable ? 'not-to-trainable' : 'trainable-to-not';
}

function rulesOf(c: DecisionChange, d: Direction): string[] {
  const rules =
    d === 'allowed-to-denied' ? c.after.rules
    : d === 'denied-to-allowed' ? c.before.rules
    : d === 'trainable-to-not' ? (c.after.training_rules ?? [])
    : (c.after.training_rules ?? []);
  return [...new Set(rules)].sort();
}

export function sentenceOf(g: Omit<ImpactGroup, 'sentence'>): string {
  const calls = g.count === 1 ? '1 call' : `${g.count.toLocaleString('en-US')} calls`;
  const rules = `${g.rules.length === 1 ? 'rule' : 'rules'} ${g.rules.join(', ')}`;
  const why = g.rules.length === 0 ? '' : g.direction === 'denied-to-allowed' ? ` (denied until now by ${rules})` : ` (${rules})`;
  return `${calls} from team ${g.team} to ${g.model} with purpose ${g.purpose} ${VERB[g.direction]}${why}`;
}

const ORDER: Direction[] = ['allowed-to-denied', 'denied-to-allowed', 'trainable-to-not', 'not-to-trainable'];

/** Groups, the largest first within each direction. */
export function impactGroups(changes: readonly DecisionChange[]): ImpactGroup[] {
  const groups = new Map<string, Omit<ImpactGroup, 'sentence'>>();
  for (const c of changes) {
    const direction = directionOf(c);
    const rules = rulesOf(c, direction);
    const key = JSON.stringify([direction, rules, c.team, c.model, c.purpose]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { direction, rules, team: c.team, model: c.model, purpose: c.purpose, count: 0, examples: [] }));
    g.count++;
    g.examples.unshift(c.decision_id);
    if (g.examples.length > EXAMPLES) g.examples.pop();
  }
  return [...groups.values()]
    .sort((a, b) => ORDER.indexOf(a.direction) - ORDER.indexOf(b.direction) || b.count - a.count || a.team.localeCompare(b.team) || a.model.localeCompare(b.model))
    .map((g) => ({ ...g, sentence: sentenceOf(g) }));
}
