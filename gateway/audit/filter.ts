// Which records a query or export selects. Pure.
import type { AuditRecord, CallRecord } from '../core/contracts.js';
import { isChangeRecord } from '../core/record-kind.js';

export interface RecordFilter {
  /** Inclusive lower bound on record time (RFC 3339). */
  from?: string;
  /** Exclusive upper bound on record time (RFC 3339). */
  to?: string;
  /** Calls or control-plane changes; both when absent. The call fields below select calls only. */
  kind?: 'call' | 'change';
  team?: string;
  /** Virtual key id. */
  keyId?: string;
  model?: string;
  purpose?: string;
  /** A rule among the record's reasons (e.g. terms.training_forbidden). */
  rule?: string;
  /** A data class detected in the call (e.g. pii.email). */
  dataClass?: string;
  decision?: CallRecord['decision'];
  phase?: CallRecord['phase'];
  /** Any of these phases (e.g. the outcome of each call: completed, denied, failed). */
  phases?: CallRecord['phase'][];
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
  const callOnly = [f.team, f.keyId, f.model, f.purpose, f.rule, f.dataClass, f.decision, f.phase, f.phases, f.decisionId].some((x) => x !== undefined);
  return (r) => {
    if (from !== undefined || to !== undefined) {
      const t = Date.parse(r.time);
      if (from !== undefined && !(t >= from)) return false;
      if (to !== undefined && !(t < to)) return false;
    }
    if (isChangeRecord(r)) return f.kind !== 'call' && !callOnly;
    if (f.kind === 'change') return false;
    if (f.team !== undefined && r.principal.team !== f.team) return false;
    if (f.keyId !== undefined && r.principal.key_id !== f.keyId) return false;
    if (f.model !== undefined && r.model !== f.model) return false;
    if (f.purpose !== undefined && r.purpose !== f.purpose) return false;
    if (f.rule !== undefined && !r.reasons.some((x) => x.rule === f.rule)) return false;
    if (f.dataClass !== undefined && !r.data_classes.includes(f.dataClass)) return false;
    if (f.decision !== undefined && r.decision !== f.decision) return false;
    if (f.phase !== undefined && r.phase !== f.phase) return false;
    if (f.phases !== undefined && !f.phases.includes(r.phase)) return false;
    if (f.decisionId !== undefined && r.decision_id !== f.decisionId) return false;
    return true;
  };
}
