// GET /admin/v1/whoami: the console's sign-in check; says who the caller is (token or signed-in user) and their role.
import type { FastifyInstance } from 'fastify';
import type { ControlPlaneAuth } from './control-plane-auth.js';

export function whoamiRoute(app: FastifyInstance, deps: { auth: Pick<ControlPlaneAuth, 'require'> }): void {
  app.get('/admin/v1/whoami', { onRequest: deps.auth.require('auditor', 'policy-editor') }, async (request) => ({
    id: request.actor!.id,
    role: request.actor!.role,
    type: request.actor!.type,
    email: request.actor!.email,
  }));
}
