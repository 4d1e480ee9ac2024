// Which records a query or export selects. Pure.
import type { AuditRecord, CallRecord } from '../pipeline/contracts.js';
import { isChangeRecord } from './record-kind.js';

export interface RecordFilter {
  /** Inclusive lower bound on record time (RFC 3339). */
  from?: string;
  /** Exclusive upper bound on record time (RFC 3339). */
  to?: string;
  /** Calls or control-plane changes; both when absent. The call fields below select calls only. */
  kind?: 'call' | 'change';
  team?: string;
  model?: string;
  decision?: CallRecord['decision'];
  phase?: CallRecord['phase'];
  decisionId?: string;
  /** Inclusive first sequence number. */
  fromSeq?: number;
  /** Exclusive last sequence number. */
  toSeq?: number;
  limit?: number;
}

function instant(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${name} is not a time: ${value}`);
  return ms;
}

/** Compiles a filter into a predicate; throws on a malformed time. */
export function recordMatcher(f: RecordFilter): (r: AuditRecord) => boolean {
  const from = instant(f.from, 'from');
  const to = instant(f.to, 'to');
  const callOnly = f.team !== undefined || f.model !== undefined || f.decision !== undefined || f.phase !== undefined || f.decisionId !== undefined;
  return (r) => {
    if (from !== undefined || to !== undefined) {
      const t = Date.parse(r.time);
      if (from !== undefined && !(t >= from)) return false;
      if (to !== undefined && !(t < to)) return false;
    }
    if (isChangeRecord(r)) return f.kind !== 'call' && !callOnly;
    if (f.kind === 'change') return false;
    if (f.team !== undefined && r.principal.team !== f.team) return false;
    if (f.model !== undefined && r.model !== f.model) return false;
    if (f.decision !== undefined && r.decision !== f.decision) return false;
    if (f.phase !== undefined && r.phase !== f.phase) return false;
    if (f.decisionId !== undefined && r.decision_id !== f.decisionId) return false;
    return true;
  };
}
