// HTTP surface of the training feed: the runner pages through permitted records with its token,
// and fetches the public key that verifies their permits.
import type { FastifyInstance } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import type { SigningKeys } from '../signing/keys.js';
import type { TrainingFeed } from './feed.js';

export interface TrainingFeedRouteDeps {
  feed: Pick<TrainingFeed, 'read'>;
  auth: RoleGuard;
  keys: Pick<SigningKeys, 'keyId' | 'publicKey' | 'publicKeyRaw'>;
}

const MAX_LIMIT = 1000;

export function trainingFeedRoutes(app: FastifyInstance, deps: TrainingFeedRouteDeps): void {
  app.get<{ Querystring: { cursor?: string; limit?: string } }>(
    '/training/v1/feed',
    { onRequest: deps.auth.require('runner') },
    async (request, reply) => {
      const cursor = parseCount(request.query.cursor, 0);
      const limit = parseCount(request.query.limit, 100);
      if (cursor === null || limit === null || limit < 1) {
        return sendError(reply, 'bad_request', 'control', 'cursor and limit must be non-negative integers (limit ≥ 1)');
      }
      return deps.feed.read(cursor, Math.min(limit, MAX_LIMIT));
    },
  );

  app.get('/training/v1/public-key', async () => ({
    alg: 'Ed25519',
    key_id: deps.keys.keyId,
    public_key: deps.keys.publicKeyRaw.toString('base64url'),
    pem: deps.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }));
}

function parseCount(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === '') return fallback;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}
