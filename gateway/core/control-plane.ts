// What a stage's control-plane routes need from the edge: a guard that admits roles, and a recorder of
// changes. The composition root hands in the implementations (auth/, changes/), so no stage imports them.
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ChangeInput } from './change-record.js';
import type { ChangeActor, ChangeRecord } from './contracts.js';

export type Role = 'policy-editor' | 'auditor' | 'admin' | 'runner';

export interface RoleGuard {
  /** An onRequest hook admitting the listed roles (admin too, except on runner-only routes). */
  require(...roles: Role[]): onRequestHookHandler;
}

export interface ChangeRecorder {
  /** Records a change made by the request's actor; resolves once the record is in the log. */
  record(request: FastifyRequest, input: ChangeInput): Promise<ChangeRecord>;
}

/**
 * What a stage needs to record a change the gateway makes by itself, with no request behind it (a reload
 * of the policies directory, a fleet bundle). Resolves once the record is in the log.
 */
export interface SystemChangeRecorder {
  recordSystem(actor: ChangeActor, input: ChangeInput): Promise<ChangeRecord>;
}
