// A scope's risk level change as a record of the tamper-evident log: a change the gateway makes by
// itself (actor type 'system'), naming the scope, the levels before and after, the score, each signal's
// strength and example decision ids, so a later dispute can show what the company saw and when. Pure.
import type { ChangeActor, ChangeRecord, RiskLevel } from '../core/contracts.js';
import type { ChangeInput } from '../core/change-record.js';
import type { Clearance } from './monitor.js';
import type { ScopeRisk } from './scope-state.js';

export const MONITOR_ACTOR: ChangeActor = { type: 'system', id: 'distillation-monitor', email: null };

export function riskChange(risk: ScopeRisk, before: RiskLevel): ChangeInput {
  const signals = risk.signals.map((s) => `${s.name} ${s.strength} (${s.value}; e.g. ${s.examples.join(', ') || 'none'})`);
  return {
    action: 'distillation.risk',
    target: risk.scope,
    before,
    after: `${risk.level} score ${risk.score} over ${risk.calls} calls: ${signals.join('; ') || 'no signal'}`.slice(0, 2000),
    outcome: 'done',
  };
}

/** A clearance as its change record states it, to restore clearances from the log at start-up. */
export function clearanceOf(r: ChangeRecord): Clearance | null {
  const until = /^cleared until (\S+)$/.exec(r.after ?? '')?.[1];
  if (r.action !== 'distillation.clear' || r.outcome !== 'done' || !r.target || !until || Number.isNaN(Date.parse(until))) return null;
  return { scope: r.target, until: Date.parse(until), changeId: r.change_id, by: r.actor.email ?? r.actor.id, reason: r.reason ?? '' };
}
