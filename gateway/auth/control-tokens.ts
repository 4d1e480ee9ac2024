// Control-plane and runner tokens with roles. `admin` may do everything an `auditor` or
// `policy-editor` may; `runner` only reads the training feed.
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { TokenConfig } from '../config/types.js';
import { presentedKey } from './virtual-keys.js';
import { hashSecret } from './secret-hash.js';

export type Role = TokenConfig['role'];

export class ControlTokens {
  readonly #byHash = new Map<string, TokenConfig>();

  constructor(tokens: TokenConfig[]) {
    for (const t of tokens) this.#byHash.set(t.hash, t);
  }

  lookup(headers: Record<string, string | string[] | undefined>): TokenConfig | null {
    const secret = presentedKey(headers);
    return secret ? (this.#byHash.get(hashSecret(secret)) ?? null) : null;
  }

  /** A fastify preHandler admitting tokens whose role is listed (admin is always admitted, except for `runner`-only routes). */
  require(...roles: Role[]): preHandlerHookHandler {
    const admitted = new Set<Role>(roles.includes('runner') ? roles : [...roles, 'admin']);
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const token = this.lookup(request.headers);
      if (!token) return reply.code(401).send({ error: { type: 'unauthorized', message: 'a valid control-plane token is required' } });
      if (!admitted.has(token.role)) {
        return reply.code(403).send({ error: { type: 'forbidden', message: `role ${token.role} may not ${request.method} ${request.routeOptions.url}` } });
      }
      request.controlToken = token;
    };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    controlToken?: TokenConfig;
  }
}
