// What every control-plane route shares (/admin/…, /console…, /training/…): security headers
// (helmet: no framing, no sniffing, no referrer), answers passing the secret scrubber, and quiet,
// capped info lines for callers' mistakes. Registered once on the root instance; the data plane is left alone.
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswerFor, sendAnswer } from '../core/errors.js';
import type { SecretScrubber } from '../secrets/scrubber.js';
import { sampledInfo } from './sampled-log.js';

const CONTROL_PLANE = /^\/(admin|console|training)(\/|$|\?)/;

export function isControlPlane(request: FastifyRequest): boolean {
  return CONTROL_PLANE.test(request.url);
}

export interface ControlPlaneDeps {
  scrubber: SecretScrubber;
}

export async function controlPlane(app: FastifyInstance, deps: ControlPlaneDeps): Promise<void> {
  await app.register(helmet, {
    global: false,
    // Pages that need more (the console) set their own policy; everything else is data.
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whoever terminates TLS in front of the gateway.
    strictTransportSecurity: false,
  });
  // Before authentication, so a 401 carries the headers too.
  app.addHook('onRequest', async (request, reply) => {
    if (isControlPlane(request)) await reply.helmet();
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    // The console's bundled assets are build output, never holding a secret; scrubbing would corrupt
    // their code (a literal `Bearer ${token}` reads as a credential).
    if (!isControlPlane(request) || request.url.startsWith('/console/assets/')) return payload;
    if (typeof payload === 'string') return deps.scrubber.scrub(payload);
    if (Buffer.isBuffer(payload)) return Buffer.from(deps.scrubber.scrub(payload.toString('utf8')));
    // Streams (exports) carry audit records, which hold ids and digests, never key or token values.
    return payload;
  });
}

/** A rejected credential: one capped info line, no stack. */
export function logAuthFailure(request: FastifyRequest, status: 401 | 403, reason: string): void {
  sampledInfo(request.server.log, { status, reason, method: request.method, route: request.routeOptions.url, client: request.ip }, 'control-plane request refused');
}

/** Errors of routes outside the data plane: the caller's mistakes are info without a stack; the gateway's own are errors. The body is the table's for the status. */
export function answerRouteError(request: FastifyRequest, reply: FastifyReply, error: Error & { code?: string }, status: number, message: string): FastifyReply {
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else sampledInfo(request.server.log, { status, code: error.code, method: request.method, route: request.routeOptions.url ?? null, client: request.ip }, 'request refused');
  return sendAnswer(reply, errorAnswerFor(status, 'failed', 'control', message));
}
