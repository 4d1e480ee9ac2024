// What a dry run reports: each changed decision, before and after, and the changes grouped for a reader.
// Types only: dry-run.ts and impact.ts produce them; the store, the routes and the console read them.
export interface DecisionSummary {
  decision: 'allow' | 'deny';
  trainable: boolean;
  /** Rules that denied the call (none when allowed). */
  rules: string[];
  /** Rules of the training decision (known when decided, not for a recorded decision). */
  training_rules?: string[];
}

export interface DecisionChange {
  decision_id: string;
  time: string;
  team: string;
  model: string;
  purpose: string;
  before: DecisionSummary;
  after: DecisionSummary;
}

export interface DryRunReport {
  revision: string;
  examined: number;
  skipped: number;
  changed: number;
  changes: DecisionChange[];
  errors: Array<{ decision_id: string; error: string }>;
  /** The changes grouped for a reader (see impact.ts). */
  groups: ImpactGroup[];
  /** The longest one decision of the candidate took, in ms (what the data plane would pay on such a call). */
  slowest_decision_ms: number;
}

export type Direction = 'allowed-to-denied' | 'denied-to-allowed' | 'trainable-to-not' | 'not-to-trainable';

export interface ImpactGroup {
  direction: Direction;
  /** The rules behind the new outcome (or, for calls now allowed, the rules that denied them). */
  rules: string[];
  team: string;
  model: string;
  purpose: string;
  count: number;
  /** Up to EXAMPLES decision ids, newest first. */
  examples: string[];
  sentence: string;
}
