// The fastify server: data plane, health, and the route plugins of the control plane and feed.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { KeyDirectory } from '../auth/key-directory.js';
import type { PolicyDecider } from '../core/contracts.js';
import type { RequestPath } from '../request-path/request-path.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import { dataPlaneErrors, dataPlaneRoutes } from './data-plane.js';
import { modelsRoute } from './models-route.js';
import { registerIntake } from './intake.js';
import { faceOf, type GatewayState } from './lifecycle.js';
import { errorAnswer, errorAnswerFor, sendAnswer, sendError } from '../core/errors.js';
import { sampledInfo } from './sampled-log.js';
import { duplicatedCredential } from './credential-headers.js';
import type { Socket } from 'node:net';

export interface ServerParts {
  requestPath: RequestPath;
  keys: Pick<KeyDirectory, 'authenticate'>;
  routes: ModelRoutes;
  policy(): PolicyDecider;
  bodyLimit: number;
  /** Deadline for a whole request body and the JSON nesting limit (gateway/server/intake.ts). */
  intake: { bodyTimeoutMs: number; maxDepth: number; maxObjectKeys: number };
  logger: FastifyBaseLogger;
  plugins: Array<(app: FastifyInstance) => void | Promise<void>>;
  /** Draining and read-only (gateway/server/lifecycle.ts). */
  state: GatewayState;
  /** limits.clientWriteMs: a client that does not read a write within it is disconnected (gateway/server/node-sink.ts). */
  clientWriteMs?: number;
  /** Bounds on client connections (limits.clientConnections, clientHeadersMs, clientKeepAliveMs); Node's defaults when absent. */
  clients?: { connections: number; headersMs: number; keepAliveMs: number };
}

const DRAINING = 'termsgate is shutting down and takes no new calls; retry against another replica';

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: parts.logger,
    bodyLimit: parts.bodyLimit,
    // Calls are recorded by the audit log and telemetry; per-request access logs would only duplicate them.
    logController: new LogController({ disableRequestLogging: true }),
    // Draining is answered by the hook below, in the caller's dialect; fastify's close comes after the drain.
    return503OnClosing: false,
    forceCloseConnections: true,
    ...clientBounds(parts),
    // Headers beyond Node's limit (431), malformed request lines (400): Node answers before any route.
    clientErrorHandler: (err, socket) => answerClientError(err as Error & { code?: string }, socket),
    // A path fastify cannot decode (a percent escape that is not UTF-8): its default answer echoes the path.
    frameworkErrors: (error, request, reply) => {
      sampledInfo(app.log, { status: 400, code: error.code, method: request.method, client: request.ip }, 'request refused');
      const message = error.code === 'FST_ERR_BAD_URL' ? 'the request path is not valid percent-encoded UTF-8' : 'the request could not be routed';
      return sendAnswer(reply, errorAnswerFor(400, 'failed', faceOf(request.url, request.headers), message));
    },
  });
  if (parts.clients) {
    // Node destroys a connection beyond maxConnections as it is accepted; headersTimeout bounds the whole head.
    app.server.maxConnections = parts.clients.connections;
    app.server.headersTimeout = parts.clients.headersMs;
  }
  const { state } = parts;
  app.addHook('onRequest', async (request, reply) => {
    state.responses.add(reply.raw);
    reply.raw.once('close', () => state.responses.delete(reply.raw));
    if (request.url === '/healthz' || request.url === '/readyz') return;
    if (state.draining) {
      reply.header('connection', 'close');
      return sendError(reply, 'unavailable', faceOf(request.url, request.headers), DRAINING);
    }
    // No decision id: a call that cannot be recorded is refused before it is admitted, as when one record fails.
    // The control plane stays up for reading the log; its changes fail on their own record.
    const face = faceOf(request.url, request.headers);
    if (state.readOnly && face !== 'control') return sendError(reply, 'audit_unavailable', face, state.readOnly);
    const twice = duplicatedCredential(request.raw.rawHeaders);
    if (twice) return sendError(reply, 'bad_request', face, `the ${twice} header appears more than once; send one credential`);
  });
  app.setNotFoundHandler((request, reply) => {
    // Never echoes the path or query: either may hold a key.
    const face = faceOf(request.url, request.headers);
    const path = request.url.split('?')[0];
    const known = app.hasRoute({ url: path, method: 'POST' }) || app.hasRoute({ url: path, method: 'GET' });
    sampledInfo(app.log, { status: known ? 405 : 404, method: request.method, client: request.ip }, 'no route');
    if (known) return sendError(reply.header('allow', app.hasRoute({ url: path, method: 'POST' }) ? 'POST' : 'GET, HEAD'), 'method_not_allowed', face, `${request.method} is not allowed on this route`);
    return sendError(reply, 'not_found', face, `no route for ${request.method} on this path`);
  });
  registerIntake(app, { bodyBytes: parts.bodyLimit, ...parts.intake });
  dataPlaneErrors(app, parts.requestPath);
  dataPlaneRoutes(app, parts.requestPath, state, { writeMs: parts.clientWriteMs });
  modelsRoute(app, parts);
  // Unhealthy once the audit log cannot be written: a restart (with storage fixed) is what heals it.
  app.get('/healthz', async (_request, reply) => {
    if (state.readOnly) return sendError(reply, 'audit_unavailable', 'control', state.readOnly);
    return { status: state.draining ? 'draining' : 'ok' };
  });
  // The gateway listens only once its first policy revision serves, and answers 503 while draining or read-only.
  app.get('/readyz', async (_request, reply) => {
    if (state.readOnly) return sendError(reply, 'audit_unavailable', 'control', state.readOnly);
    if (state.draining) return sendError(reply, 'unavailable', 'control', DRAINING);
    return { status: 'ready' };
  });
  for (const plugin of parts.plugins) await plugin(app);
  return app;
}

/**
 * Node's deadlines for the client side. requestTimeout lies past intake's body deadline, so a slow body gets
 * intake's answer in its dialect (and a record) first; Node's timers are checked every connectionsCheckingInterval.
 */
function clientBounds(parts: ServerParts): { keepAliveTimeout?: number; requestTimeout?: number; http?: { connectionsCheckingInterval: number } } {
  if (!parts.clients) return {};
  const { headersMs, keepAliveMs } = parts.clients;
  return {
    keepAliveTimeout: keepAliveMs,
    requestTimeout: headersMs + parts.intake.bodyTimeoutMs + 1_000,
    http: { connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersMs / 4))) },
  };
}

/** A request Node refused before parsing it: a JSON answer (OpenAI's shape, the route is unknown yet), then the connection closes. */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const answer =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? errorAnswer('headers_too_large', 'openai', 'the request headers are larger than the gateway accepts')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errorAnswer('body_timeout', 'openai', 'the request did not arrive in time')
        : errorAnswerFor(400, 'failed', 'openai', 'the request is not valid HTTP');
  const body = JSON.stringify(answer.body);
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
