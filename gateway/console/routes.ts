// GET /console: the legal team's console. The page is static; everything it shows comes from the
// control-plane API with the token the user signs in with, so the routes here need no authentication.
// Assets have content-hashed names and are cached for a year; the index is revalidated every time.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from '../core/errors.js';
import type { ConsoleFile, ConsoleFiles } from './assets.js';

/** Nothing leaves the page but calls to this origin; no inline script or style, no framing. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(reply: FastifyReply, f: ConsoleFile, cacheControl: string, ifNoneMatch: string | undefined): FastifyReply {
  reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', cacheControl)
    .header('etag', f.etag);
  if (ifNoneMatch === f.etag) return reply.code(304).send();
  return reply.type(f.type).send(f.body);
}

export function consoleRoutes(app: FastifyInstance, files: ConsoleFiles): void {
  const index = async (request: { headers: Record<string, string | string[] | undefined> }, reply: FastifyReply) => {
    if (!files.index) return sendError(reply, 'unavailable', 'text', 'The console is not built: run `make build`.');
    return send(reply, files.index, 'no-cache', request.headers['if-none-match'] as string | undefined);
  };
  app.get('/console', index);
  app.get('/console/', index);
  app.get<{ Params: { name: string } }>('/console/assets/:name', async (request, reply) => {
    const f = files.assets.get(request.params.name);
    if (!f) return sendError(reply, 'not_found', 'text', 'not found');
    return send(reply, f, 'public, max-age=31536000, immutable', request.headers['if-none-match']);
  });
}
