// GET /admin/v1/changes: who changed what and why, from the audit log, filtered by action, actor
// (token id, OIDC subject or email), target, time and sequence; paged by next_from_seq.
import type { FastifyInstance } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import type { ChangeLog } from './change-log.js';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    action: { type: 'string', maxLength: 64 },
    actor: { type: 'string', maxLength: 256 },
    target: { type: 'string', maxLength: 128 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    from_seq: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;

interface Query {
  action?: string;
  actor?: string;
  target?: string;
  from?: string;
  to?: string;
  from_seq?: number;
  limit?: number;
}

export function changeRoutes(app: FastifyInstance, deps: { changes: ChangeLog; auth: RoleGuard }): void {
  app.get<{ Querystring: Query }>(
    '/admin/v1/changes',
    { onRequest: deps.auth.require('auditor', 'policy-editor'), schema: { querystring: querySchema } },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const changes = [];
      for await (const c of deps.changes.list({ action: q.action, actor: q.actor, target: q.target, from: q.from, to: q.to, fromSeq: q.from_seq }, limit + 1)) changes.push(c);
      const more = changes.length > limit;
      if (more) changes.pop();
      return { changes, next_from_seq: more ? changes[changes.length - 1].seq + 1 : null };
    },
  );
}
