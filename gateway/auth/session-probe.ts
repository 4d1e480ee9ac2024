// GET /console/auth/session without single sign-on: the console probes it on every load, so it answers
// 200 (nobody signed in, sign-on not offered) instead of a 404 the browser would log as an error.
import type { FastifyInstance } from 'fastify';

export function sessionProbeWithoutSso(app: FastifyInstance): void {
  app.get('/console/auth/session', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { signed_in: false, sso: false };
  });
}
