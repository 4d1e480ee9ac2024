// POST /admin/v1/provenance/detect {text} or {texts:[…]}: where each text came from (auditor role).
// A batch is bounded in texts and bytes, so one request's work (meaning is about 0.1 s per KB on a
// loaded core) stays within a client's timeout; a caller splits larger sets (the runner's `verify`).
import type { FastifyInstance } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import type { DetectionResult } from './detection.js';
import { summarise } from './scan-summary.js';

export interface ProvenanceAdminDeps {
  /** Each text's detection, long ones off the event loop (detection-pool.ts), meaning too when it is on (semantic/); rejects when it cannot check them all. */
  provenance: { detectAll(texts: string[]): Promise<DetectionResult[]> };
  /** Present when meaning is on: why it cannot be consulted now (the model missing, an output not indexed), or null. */
  meaning?: { unavailable(): string | null };
  auth: RoleGuard;
}

export const MAX_DETECT_TEXTS = 1000;
/** UTF-8 bytes of text per request, all texts together. */
export const MAX_DETECT_BYTES = 1024 * 1024;

/** What every answer was traced by, in the answer, so a client can tell a check without meaning from one with it. */
export type Evidence = 'marks' | 'words' | 'meaning';

const bodySchema = {
  type: 'object',
  oneOf: [{ required: ['text'] }, { required: ['texts'] }],
  properties: {
    text: { type: 'string' },
    texts: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
} as const;

export function provenanceAdminRoutes(app: FastifyInstance, deps: ProvenanceAdminDeps): void {
  const evidence: Evidence[] = deps.meaning ? ['marks', 'words', 'meaning'] : ['marks', 'words'];
  app.post<{ Body: { text?: string; texts?: string[] } }>(
    '/admin/v1/provenance/detect',
    { onRequest: deps.auth.require('auditor'), schema: { body: bodySchema } },
    async (request, reply) => {
      const texts = request.body.texts ?? [request.body.text as string];
      if (texts.length > MAX_DETECT_TEXTS) {
        return sendError(reply, 'batch_too_many_texts', 'control', `at most ${MAX_DETECT_TEXTS} texts per request (got ${texts.length}); send the rest in another request`);
      }
      let bytes = 0;
      for (const t of texts) bytes += Buffer.byteLength(t, 'utf8');
      if (bytes > MAX_DETECT_BYTES) {
        return sendError(reply, 'batch_too_large', 'control', `at most ${MAX_DETECT_BYTES} bytes of text per request (got ${bytes}); send fewer texts per request`);
      }
      // Fail closed: an answer without meaning while meaning is on would pass what admission refuses.
      const unavailable = deps.meaning?.unavailable();
      if (unavailable) return sendError(reply, 'unavailable', 'control', `provenance detection cannot consult meaning: ${unavailable}`);
      let results: DetectionResult[];
      try {
        results = await deps.provenance.detectAll(texts);
      } catch (err) {
        // The meaning index behind its wait bound, a text longer than it checks, no detection thread in time: nothing is answered unchecked.
        return sendError(reply, 'unavailable', 'control', `provenance detection could not check every text: ${(err as Error).message}`);
      }
      return { results, summary: summarise(results), evidence };
    },
  );
}
