// A control-plane change as the audit log keeps it. Pure.
import type { ChangeActor, ChangeRecord } from './contracts.js';

/**
 * What the control plane records. A route that changes state adds its action here. `policy.reload` is an
 * edit of the policies directory outside the control plane, `policy.bundle` a fleet bundle from
 * policy.bundleUrl; both are recorded by the gateway itself (actor type 'system'), as is `distillation.risk`,
 * a scope's distillation risk level changing. `distillation.clear` is the legal team's clearance of a scope.
 * `key.*` are the key store's virtual keys (/admin/v1/keys), never their secrets.
 */
export type ChangeAction =
  | 'policy.stage'
  | 'policy.discard'
  | 'policy.validate'
  | 'policy.activate'
  | 'policy.rollback'
  | 'policy.reload'
  | 'policy.bundle'
  | 'audit.witnesses'
  | 'distillation.risk'
  | 'distillation.clear'
  | 'key.create'
  | 'key.revoke'
  | 'key.rotate';

/** Actions that must say why. */
export const REASON_REQUIRED: ReadonlySet<ChangeAction> = new Set(['policy.activate', 'policy.rollback', 'distillation.clear']);

export interface ChangeInput {
  action: ChangeAction;
  target: string | null;
  before: string | null;
  after: string | null;
  reason?: string | null;
  outcome: ChangeRecord['outcome'];
  error?: string | null;
}

export class ChangeRefusedError extends Error {}

export function changeRecord(who: { actor: ChangeActor; role: string; client: string | null }, input: ChangeInput, id: string, now: Date): ChangeRecord {
  const reason = input.reason?.trim() || null;
  if (REASON_REQUIRED.has(input.action) && !reason) throw new ChangeRefusedError(`${input.action} needs a reason`);
  return {
    kind: 'change',
    change_id: id,
    time: now.toISOString(),
    actor: { type: who.actor.type, id: who.actor.id, email: who.actor.email },
    role: who.role,
    action: input.action,
    target: input.target,
    before: input.before,
    after: input.after,
    reason,
    client: who.client,
    outcome: input.outcome,
    error: input.error ?? null,
  };
}

export interface ChangeFilter {
  action?: string;
  /** A token id, an OIDC subject or an email. */
  actor?: string;
  target?: string;
}

export function changeMatcher(f: ChangeFilter): (r: ChangeRecord) => boolean {
  return (r) =>
    (f.action === undefined || r.action === f.action) &&
    (f.actor === undefined || r.actor.id === f.actor || r.actor.email === f.actor) &&
    (f.target === undefined || r.target === f.target || r.before === f.target || r.after === f.target);
}
