// POST /admin/v1/audit/provenance-token {token}: the gateway's own answer (it holds the MAC key) and the
// evidence a third party checks with the log's verifier key alone (token-evidence.ts).
import type { FastifyInstance } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import type { ProvenanceTokens } from '../signing/provenance-token.js';
import type { AuditLog } from './audit-log.js';
import { gatherTokenEvidence } from './token-evidence.js';

export interface TokenRoutesDeps {
  log: AuditLog;
  auth: RoleGuard;
  tokens: ProvenanceTokens;
}

/** A compact JWS of this gateway is a few hundred bytes; anything far larger is not one. */
const MAX_TOKEN_CHARS = 4096;

export async function provenanceTokenRoutes(app: FastifyInstance, deps: TokenRoutesDeps): Promise<void> {
  app.post('/admin/v1/audit/provenance-token', { onRequest: deps.auth.require('auditor') }, async (req, reply) => {
    const token = (req.body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
      return sendError(reply, 'bad_request', 'control', `token must be a string of 1 to ${MAX_TOKEN_CHARS} characters`);
    }
    const check = await deps.tokens.verify(token);
    const evidence = check.valid ? await gatherTokenEvidence(deps.log, token) : null;
    return { ...check, verifier_key: deps.log.verifierKey, evidence };
  });
}
