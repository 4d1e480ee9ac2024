// The distillation risk in words for the console: a scope's kind and name, its trend from the recorded
// level changes, and each signal's strength. Pure, so it is tested without a browser.

export interface RiskSignal {
  name: string;
  strength: number;
  value: number;
  meaning: string;
  examples: string[];
}

export interface ScopeRisk {
  scope: string;
  level: 'low' | 'medium' | 'high';
  score: number;
  calls: number;
  updated: string | null;
  cleared: boolean;
  signals: RiskSignal[];
}

/** A recorded level change (`distillation.risk` change record): before, after and when. */
export interface LevelChange {
  time: string;
  target: string;
  before: string;
  after: string;
}

const KINDS: Record<string, string> = { key: 'Key', project: 'Project', team: 'Team', provider: 'Provider' };

export function scopeWords(scope: string): { kind: string; name: string } {
  const at = scope.indexOf(':');
  return { kind: KINDS[scope.slice(0, at)] ?? scope.slice(0, at), name: scope.slice(at + 1) };
}

/** The scope's trend, oldest first: "low → high (4 Dec 10:02) → low (11 Dec 09:00)". */
export function trendWords(changes: LevelChange[]): string {
  if (changes.length === 0) return 'no level change recorded';
  const sorted = [...changes].sort((a, b) => a.time.localeCompare(b.time));
  const steps = sorted.map((c) => `${c.after.split(' ')[0]} (${c.time.slice(0, 16).replace('T', ' ')} UTC)`);
  return [sorted[0].before, ...steps].join(' → ');
}

/** Signals measured as a count; the others are a share of calls, except the surge (a ratio). */
const COUNTS = new Set(['restricted_volume', 'purpose_laundering']);

/** One signal in a sentence: how strong, what it means, what was measured. */
export function signalWords(s: RiskSignal): string {
  const strength = s.strength >= 0.99 ? 'strong' : s.strength >= 0.5 ? 'clear' : 'weak';
  const measured = COUNTS.has(s.name) ? `${s.value}` : s.name === 'release_surge' ? `${s.value}× the usual day` : `${Math.round(s.value * 100)} % of calls`;
  return `${strength}: ${s.meaning} (${measured})`;
}
