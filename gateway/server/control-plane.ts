// What every control-plane route shares (/admin/…, /console…, /training/…): answers pass the secret
// scrubber before they leave. Registered once on the root instance; the data plane is left alone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SecretScrubber } from '../secrets/scrubber.js';

const CONTROL_PLANE = /^\/(admin|console|training)(\/|$|\?)/;

export function isControlPlane(request: FastifyRequest): boolean {
  return CONTROL_PLANE.test(request.url);
}

export interface ControlPlaneDeps {
  scrubber: SecretScrubber;
}

export function controlPlane(app: FastifyInstance, deps: ControlPlaneDeps): void {
  app.addHook('onSend', async (request, _reply, payload) => {
    if (!isControlPlane(request)) return payload;
    if (typeof payload === 'string') return deps.scrubber.scrub(payload);
    if (Buffer.isBuffer(payload)) return Buffer.from(deps.scrubber.scrub(payload.toString('utf8')));
    // Streams (exports) carry audit records, which hold ids and digests, never key or token values.
    return payload;
  });
}
