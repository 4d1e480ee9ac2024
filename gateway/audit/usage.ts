// Usage and spend from the audit log: calls, tokens and recorded costs grouped by team, key, model or
// provider. Pure: fed the call records of a time range, one at a time. A call counts once, by its
// final record (a `started` record is not a call's last).
import type { CallRecord } from '../core/contracts.js';

export const USAGE_GROUPS = ['team', 'key', 'model', 'provider'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageRow {
  group: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

function groupOf(r: CallRecord, by: UsageGroup): string {
  if (by === 'team') return r.principal.team;
  if (by === 'key') return r.principal.key_id;
  if (by === 'model') return r.model ?? '(none)';
  return r.provider ?? '(none)';
}

export class UsageAccumulator {
  readonly #rows = new Map<string, UsageRow>();

  constructor(readonly by: UsageGroup) {}

  add(r: CallRecord): void {
    if (r.phase === 'started') return;
    const group = groupOf(r, this.by);
    let row = this.#rows.get(group);
    if (!row) this.#rows.set(group, (row = { group, calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 }));
    row.calls++;
    row.input_tokens += r.usage?.input_tokens ?? 0;
    row.output_tokens += r.usage?.output_tokens ?? 0;
    row.cost_usd += r.cost_usd ?? 0;
  }

  /** Rows by cost, then calls, highest first; costs rounded to a millionth of a cent as recorded. */
  rows(): UsageRow[] {
    return [...this.#rows.values()]
      .map((r) => ({ ...r, cost_usd: Math.round(r.cost_usd * 1e8) / 1e8 }))
      .sort((a, b) => b.cost_usd - a.cost_usd || b.calls - a.calls || a.group.localeCompare(b.group));
  }
}
