// The one authentication of the control plane (/admin/…, /console, the training feed): a static token
// (automation) or a signed-in session (people, OIDC). Routes name the roles they admit; the check runs
// in an onRequest hook, before the body is read, so an unauthenticated caller learns nothing beyond 401.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ChangeActor } from '../core/contracts.js';
import type { Role } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import type { ControlTokens } from './control-tokens.js';

export interface ControlActor extends ChangeActor {
  role: Role;
}

/** Signed-in users: the session a request carries, and the CSRF check for its state-changing requests. */
export interface SessionAuthenticator {
  actorOf(request: FastifyRequest): Promise<ControlActor | null>;
  /** Calls `next` when the request carries a valid CSRF token; answers 403 itself otherwise. */
  csrfProtection(request: FastifyRequest, reply: FastifyReply, next: (err?: Error) => void): void;
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
  async authenticate(request: FastifyRequest): Promise<{ actor: ControlActor; via: 'token' | 'session' } | null> {
    const presented = request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    if (presented) {
      const token = this.tokens.lookup(request.headers);
      return token ? { actor: { type: 'token', id: token.id, email: null, role: token.role }, via: 'token' } : null;
    }
    const actor = this.#sessions ? await this.#sessions.actorOf(request) : null;
    return actor ? { actor, via: 'session' } : null;
  }

  /** An onRequest hook admitting the listed roles (admin too, except on runner-only routes). */
  require(...roles: Role[]): onRequestHookHandler {
    const admitted = new Set<Role>(roles.includes('runner') ? roles : [...roles, 'admin']);
    // Callback style: the CSRF check of @fastify/csrf-protection answers 403 itself or calls next.
    return (request, reply, done) => {
      this.authenticate(request).then((who) => this.#admit(admitted, who, request, reply, done), done);
    };
  }

  #admit(admitted: Set<Role>, who: { actor: ControlActor; via: 'token' | 'session' } | null, request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    if (!who) {
      this.onFailure(request, 401, 'no valid token or session');
      sendError(reply.header('www-authenticate', 'Bearer'), 'unauthenticated', 'control', 'a valid control-plane token or session is required');
      return;
    }
    if (!admitted.has(who.actor.role)) {
      this.onFailure(request, 403, `role ${who.actor.role}`);
      sendError(reply, 'forbidden', 'control', `role ${who.actor.role} may not ${request.method} ${request.routeOptions.url}`);
      return;
    }
    request.actor = who.actor;
    if (who.via === 'session' && !SAFE_METHODS.has(request.method)) return this.#sessions!.csrfProtection(request, reply, done);
    done();
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: ControlActor;
  }
}
