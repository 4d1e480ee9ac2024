// The fastify server: data plane, health, and the route plugins of the control plane and feed.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { VirtualKeys } from '../auth/virtual-keys.js';
import type { PolicyDecider } from '../core/contracts.js';
import type { RequestPath } from '../request-path/request-path.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import { dataPlaneErrors, dataPlaneRoutes } from './data-plane.js';
import { modelsRoute } from './models-route.js';
import { registerIntake } from './intake.js';

export interface ServerParts {
  requestPath: RequestPath;
  keys: VirtualKeys;
  routes: ModelRoutes;
  policy(): PolicyDecider;
  bodyLimit: number;
  /** Deadline for a whole request body and the JSON nesting limit (gateway/server/intake.ts). */
  intake: { bodyTimeoutMs: number; maxDepth: number };
  logger: FastifyBaseLogger;
  plugins: Array<(app: FastifyInstance) => void | Promise<void>>;
}

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: parts.logger,
    bodyLimit: parts.bodyLimit,
    // Calls are recorded by the audit log and telemetry; per-request access logs would only duplicate them.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  registerIntake(app, { bodyBytes: parts.bodyLimit, ...parts.intake });
  dataPlaneErrors(app, parts.requestPath);
  dataPlaneRoutes(app, parts.requestPath);
  modelsRoute(app, parts);
  app.get('/healthz', async () => ({ status: 'ok' }));
  // The gateway listens only once its first policy revision serves, and answers 503 while closing.
  app.get('/readyz', async () => ({ status: 'ready' }));
  for (const plugin of parts.plugins) await plugin(app);
  return app;
}
