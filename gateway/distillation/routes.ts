// GET /admin/v1/distillation-risk: every key's, project's, team's and provider's distillation risk,
// highest first, each signal with its strength, its meaning in words and example decision ids.
// POST /admin/v1/distillation-risk/clearances: the legal team clears a scope for a time (a recorded
// change that the policy input carries as `distillation.cleared`).
import type { FastifyInstance } from 'fastify';
import { sendError } from '../core/errors.js';
import type { ChangeRecorder, RoleGuard } from '../core/control-plane.js';
import type { DistillationMonitor } from './monitor.js';
import { SIGNAL_MEANINGS } from './score.js';

const DAY_MS = 24 * 3600_000;
export const MAX_CLEARANCE_DAYS = 90;
/** What can be cleared: the scopes the policy reads (a provider's risk informs, it refuses no one). */
const SCOPE = '^(key|project|team):[^\\s]{1,120}$';

const listSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { enum: ['key', 'project', 'team', 'provider'] },
    level: { enum: ['low', 'medium', 'high'] },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;

const clearSchema = {
  type: 'object',
  required: ['scope', 'reason'],
  additionalProperties: false,
  properties: {
    scope: { type: 'string', pattern: SCOPE },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
    days: { type: 'integer', minimum: 1, maximum: MAX_CLEARANCE_DAYS },
  },
} as const;

const RANK = { low: 0, medium: 1, high: 2 } as const;

export function distillationRoutes(app: FastifyInstance, deps: { monitor: DistillationMonitor; auth: RoleGuard; changes: ChangeRecorder }): void {
  app.get<{ Querystring: { kind?: string; level?: 'low' | 'medium' | 'high'; limit?: number } }>(
    '/admin/v1/distillation-risk',
    { onRequest: deps.auth.require('auditor', 'policy-editor'), schema: { querystring: listSchema } },
    async (request) => {
      const q = request.query;
      const scopes = deps.monitor
        .list()
        .filter((r) => (!q.kind || r.scope.startsWith(`${q.kind}:`)) && (!q.level || RANK[r.level] >= RANK[q.level]))
        .slice(0, q.limit ?? 200)
        .map((r) => ({ ...r, updated: r.updated ? new Date(r.updated).toISOString() : null, cleared: deps.monitor.cleared(r.scope) }));
      const clearances = deps.monitor.clearances().map((c) => ({ ...c, until: new Date(c.until).toISOString() }));
      return { scopes, clearances, signals: SIGNAL_MEANINGS, monitor: deps.monitor.stats() };
    },
  );

  app.post<{ Body: { scope: string; reason: string; days?: number } }>(
    '/admin/v1/distillation-risk/clearances',
    { onRequest: deps.auth.require('policy-editor'), schema: { body: clearSchema } },
    async (request, reply) => {
      const { scope, reason } = request.body;
      const days = request.body.days ?? 30;
      const risk = deps.monitor.get(scope);
      if (!risk) return sendError(reply, 'not_found', 'control', `no traffic has been seen for ${scope}`);
      const until = Date.now() + days * DAY_MS;
      // Recorded before it takes effect: a clearance the log lacks never lifts anything.
      const change = await deps.changes.record(request, { action: 'distillation.clear', target: scope, before: `${risk.level} score ${risk.score}`, after: `cleared until ${new Date(until).toISOString()}`, reason, outcome: 'done' });
      deps.monitor.clear({ scope, until, changeId: change.change_id, by: change.actor.email ?? change.actor.id, reason });
      return reply.code(201).send({ scope, until: new Date(until).toISOString(), change_id: change.change_id });
    },
  );
}
