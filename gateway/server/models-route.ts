// GET /v1/models: only the models the key may use, as the policy decides for its default purpose.
import type { FastifyInstance } from 'fastify';
import type { KeyDirectory } from '../auth/key-directory.js';
import { sendError } from '../core/errors.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import type { ModelRoute, PolicyDecider, Principal } from '../core/contracts.js';

export function modelsRoute(app: FastifyInstance, deps: { keys: Pick<KeyDirectory, 'authenticate'>; routes: ModelRoutes; policy(): PolicyDecider }): void {
  app.get('/v1/models', async (request, reply) => {
    const anthropic = typeof request.headers['anthropic-version'] === 'string';
    const auth = await deps.keys.authenticate(request.headers);
    if (!auth.principal) return sendError(reply, 'unauthenticated', anthropic ? 'anthropic' : 'openai', auth.message);
    const principal = auth.principal;
    const usable = deps.routes.all().filter((route) => (!principal.models || principal.models.includes(route.name)) && mayUse(deps.policy(), principal, route));
    const created = Math.floor(Date.now() / 1000);
    if (anthropic) {
      const data = usable.map((r) => ({ type: 'model', id: r.name, display_name: r.name, created_at: new Date(created * 1000).toISOString() }));
      return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    }
    return { object: 'list', data: usable.map((r) => ({ id: r.name, object: 'model', created, owned_by: r.providerId })) };
  });
}

function mayUse(policy: PolicyDecider, principal: Principal, route: ModelRoute): boolean {
  try {
    const d = policy.decide({
      principal,
      purpose: principal.defaultPurpose,
      endpoint: route.providerKind === 'anthropic' ? 'messages' : 'chat.completions',
      route,
      dataClasses: { classes: [], counts: {} },
      stream: false,
      now: new Date().toISOString(),
    });
    return d.request.allow;
  } catch {
    return false;
  }
}
