// The log holds two kinds of record: calls (the request path) and control-plane changes. Pure.
import type { AuditRecord, ChangeRecord } from './contracts.js';

export function isChangeRecord(r: AuditRecord): r is ChangeRecord {
  return (r as ChangeRecord).kind === 'change';
}

/** The flat fields indexes and tabular exports carry; a change has no team, model or decision. */
export function indexFields(r: AuditRecord): { id: string; team: string; model: string | null; decision: string } {
  if (isChangeRecord(r)) return { id: r.change_id, team: '', model: null, decision: '' };
  return { id: r.decision_id, team: r.principal.team, model: r.model, decision: r.decision };
}
