// The one authentication of the control plane (/admin/…, /console, the training feed): a static token
// (automation) or a signed-in session (people, OIDC). Routes name the roles they admit; the check runs
// in an onRequest hook, before the body is read, so an unauthenticated caller learns nothing beyond 401.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ChangeActor } from '../pipeline/contracts.js';
import type { ControlTokens, Role } from './control-tokens.js';

export interface ControlActor extends ChangeActor {
  role: Role;
}

/** Signed-in users: the session a request carries, and whether a state-changing request proves it came from the console. */
export interface SessionAuthenticator {
  actorOf(request: FastifyRequest): ControlActor | null;
  /** CSRF check for a state-changing request authenticated by the session cookie. */
  csrfValid(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthFailure = (request: FastifyRequest, status: 401 | 403, reason: string) => void;

export class ControlPlaneAuth {
  #sessions: SessionAuthenticator | null = null;

  constructor(
    readonly tokens: ControlTokens,
    private readonly onFailure: AuthFailure = () => {},
  ) {}

  /** Sign-in (OIDC) is optional; without it only tokens authenticate. */
  useSessions(sessions: SessionAuthenticator): void {
    this.#sessions = sessions;
  }

  /** Who the request speaks for, and how it proved it. A presented token decides alone: a bad one is not rescued by a cookie. */
  authenticate(request: FastifyRequest): { actor: ControlActor; via: 'token' | 'session' } | null {
    const presented = request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    if (presented) {
      const token = this.tokens.lookup(request.headers);
      return token ? { actor: { type: 'token', id: token.id, email: null, role: token.role }, via: 'token' } : null;
    }
    const actor = this.#sessions?.actorOf(request) ?? null;
    return actor ? { actor, via: 'session' } : null;
  }

  /** An onRequest hook admitting the listed roles (admin too, except on runner-only routes). */
  require(...roles: Role[]): onRequestHookHandler {
    const admitted = new Set<Role>(roles.includes('runner') ? roles : [...roles, 'admin']);
    return async (request, reply) => {
      const who = this.authenticate(request);
      if (!who) {
        this.onFailure(request, 401, 'no valid token or session');
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: { type: 'unauthorized', message: 'a valid control-plane token or session is required' } });
      }
      if (!admitted.has(who.actor.role)) {
        this.onFailure(request, 403, `role ${who.actor.role}`);
        return reply.code(403).send({ error: { type: 'forbidden', message: `role ${who.actor.role} may not ${request.method} ${request.routeOptions.url}` } });
      }
      if (who.via === 'session' && !SAFE_METHODS.has(request.method) && !(await this.#sessions!.csrfValid(request, reply))) {
        this.onFailure(request, 403, 'missing or invalid CSRF token');
        return reply.code(403).send({ error: { type: 'forbidden', message: 'a state-changing request from a session needs its CSRF token (x-csrf-token)' } });
      }
      request.actor = who.actor;
    };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: ControlActor;
  }
}
