// GET /admin/v1/whoami: the console's sign-in check; says which token and role the caller holds.
import type { FastifyInstance } from 'fastify';
import type { ControlTokens } from './control-tokens.js';

export function whoamiRoute(app: FastifyInstance, deps: { tokens: Pick<ControlTokens, 'require'> }): void {
  app.get('/admin/v1/whoami', { preHandler: deps.tokens.require('auditor', 'policy-editor') }, async (request) => ({
    id: request.controlToken!.id,
    role: request.controlToken!.role,
  }));
}
