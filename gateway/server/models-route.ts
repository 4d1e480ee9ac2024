// GET /v1/models and GET /v1/models/{id}: only the models the key may use, as the policy decides for its
// default purpose; any other id is a 404 in the caller's dialect, so a model the key may not use is not revealed.
import type { FastifyInstance } from 'fastify';
import type { KeyDirectory } from '../auth/key-directory.js';
import { sendError } from '../core/errors.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import type { ModelRoute, PolicyDecider, Principal } from '../core/contracts.js';

export function modelsRoute(app: FastifyInstance, deps: { keys: Pick<KeyDirectory, 'authenticate'>; routes: ModelRoutes; policy(): PolicyDecider }): void {
  /** A model the key is limited away from, or that the policy refuses it, is not shown. */
  const visible = (principal: Principal, route: ModelRoute) => (!principal.models || principal.models.includes(route.name)) && mayUse(deps.policy(), principal, route);
  app.get('/v1/models', async (request, reply) => {
    const anthropic = typeof request.headers['anthropic-version'] === 'string';
    const auth = await deps.keys.authenticate(request.headers);
    if (!auth.principal) return sendError(reply, 'unauthenticated', anthropic ? 'anthropic' : 'openai', auth.message);
    const principal = auth.principal;
    const usable = deps.routes.all().filter((route) => visible(principal, route));
    const created = Math.floor(Date.now() / 1000);
    if (anthropic) {
      const data = usable.map((r) => modelObject(r, true, created));
      return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    }
    return { object: 'list', data: usable.map((r) => modelObject(r, false, created)) };
  });

  // A wildcard, because a model's public name may hold a slash (org/model).
  app.get('/v1/models/*', async (request, reply) => {
    const anthropic = typeof request.headers['anthropic-version'] === 'string';
    const dialect = anthropic ? 'anthropic' : 'openai';
    const auth = await deps.keys.authenticate(request.headers);
    if (!auth.principal) return sendError(reply, 'unauthenticated', dialect, auth.message);
    const principal = auth.principal;
    const id = (request.params as { '*': string })['*'];
    const route = deps.routes.resolve(id);
    if (!route || !visible(principal, route)) {
      // The id is the caller's own text; it is not echoed (paths and queries never are).
      return sendError(reply, 'model_not_found', dialect, 'The model does not exist or you do not have access to it.');
    }
    return modelObject(route, anthropic, Math.floor(Date.now() / 1000));
  });
}

function modelObject(r: ModelRoute, anthropic: boolean, created: number) {
  return anthropic ? { type: 'model', id: r.name, display_name: r.name, created_at: new Date(created * 1000).toISOString() } : { id: r.name, object: 'model', created, owned_by: r.providerId };
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
