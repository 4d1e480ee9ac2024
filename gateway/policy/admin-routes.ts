// Control plane for the rules: /admin/v1/policies (read, stage, validate, dry-run, activate, history,
// rollback) and the legal team's page at /admin/ui/policies, which calls the same API.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ControlTokens } from '../auth/control-tokens.js';
import { policiesPage } from './admin-page.js';
import { PolicyRefusedError, type PolicyStore } from './store.js';

export interface PolicyAdminRouteDeps {
  store: Pick<PolicyStore, 'status' | 'history' | 'sources' | 'stage' | 'validate' | 'dryRun' | 'activate' | 'rollback'>;
  tokens: Pick<ControlTokens, 'require'>;
}

const revisionBody = {
  type: 'object',
  required: ['revision'],
  additionalProperties: false,
  properties: { revision: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const candidateBody = {
  type: 'object',
  required: ['candidate'],
  additionalProperties: false,
  properties: { candidate: { type: 'string', minLength: 1, maxLength: 64 }, last: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;

const stageBody = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: { type: 'object', additionalProperties: { type: 'string', maxLength: 1_000_000 } },
    base: { enum: ['active', 'empty'] },
  },
} as const;

function refused(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof PolicyRefusedError) return reply.code(422).send({ error: { type: 'policy_refused', step: err.step, message: err.message } });
  throw err;
}

export function policyAdminRoutes(app: FastifyInstance, deps: PolicyAdminRouteDeps): void {
  const read = { preHandler: deps.tokens.require('auditor', 'policy-editor') };
  const edit = { preHandler: deps.tokens.require('policy-editor') };
  const base = '/admin/v1/policies';

  app.get(base, read, async () => deps.store.status());
  app.get(`${base}/history`, read, async () => ({ history: deps.store.history() }));
  app.get<{ Params: { revision: string } }>(`${base}/revisions/:revision/sources`, read, async (request, reply) => {
    try {
      return { revision: request.params.revision, files: await deps.store.sources(request.params.revision) };
    } catch (err) {
      if (err instanceof PolicyRefusedError) return refused(reply, err);
      return reply.code(404).send({ error: { type: 'not_found', message: `no sources kept for revision ${request.params.revision}` } });
    }
  });

  app.post<{ Body: { files: Record<string, string>; base?: 'active' | 'empty' } }>(`${base}/stage`, { ...edit, schema: { body: stageBody } }, async (request, reply) => {
    try {
      return await deps.store.stage(request.body);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { candidate: string } }>(`${base}/validate`, { ...edit, schema: { body: candidateBody } }, async (request, reply) => {
    try {
      const report = await deps.store.validate(request.body.candidate);
      return reply.code(report.ok ? 200 : 422).send(report);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { candidate: string; last?: number } }>(`${base}/dry-run`, { ...edit, schema: { body: candidateBody } }, async (request, reply) => {
    try {
      return await deps.store.dryRun(request.body.candidate, { last: request.body.last });
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { revision: string } }>(`${base}/activate`, { ...edit, schema: { body: revisionBody } }, async (request, reply) => {
    try {
      const r = await deps.store.activate(request.body.revision);
      return reply.code(r.ok ? 200 : 422).send(r);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { revision: string } }>(`${base}/rollback`, { ...edit, schema: { body: revisionBody } }, async (request, reply) => {
    try {
      const r = await deps.store.rollback(request.body.revision);
      return reply.code(r.ok ? 200 : 422).send(r);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.get('/admin/ui/policies', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
      .send(policiesPage),
  );
}
