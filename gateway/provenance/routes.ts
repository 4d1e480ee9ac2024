// POST /admin/v1/provenance/detect {text} or {texts:[…]}: where each text came from (auditor role).
import type { FastifyInstance } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import type { DetectionResult } from './detection.js';
import { summarise } from './scan-summary.js';

export interface ProvenanceAdminDeps {
  /** Asynchronous when meaning is consulted (semantic/). */
  provenance: { detect(text: string): DetectionResult | Promise<DetectionResult> };
  auth: RoleGuard;
}

const MAX_TEXTS = 1000;

const bodySchema = {
  type: 'object',
  oneOf: [{ required: ['text'] }, { required: ['texts'] }],
  properties: {
    text: { type: 'string' },
    texts: { type: 'array', items: { type: 'string' }, maxItems: MAX_TEXTS },
  },
  additionalProperties: false,
} as const;

export function provenanceAdminRoutes(app: FastifyInstance, deps: ProvenanceAdminDeps): void {
  app.post<{ Body: { text?: string; texts?: string[] } }>(
    '/admin/v1/provenance/detect',
    { onRequest: deps.auth.require('auditor'), schema: { body: bodySchema } },
    async (request) => {
      const texts = request.body.texts ?? [request.body.text as string];
      const results = await Promise.all(texts.map((t) => deps.provenance.detect(t)));
      return { results, summary: summarise(results) };
    },
  );
}
