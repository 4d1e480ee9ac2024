// The data-plane routes: one per endpoint adapter, all handed to the request path; plus the models list.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endpointAdapters } from '../dialects/index.js';
import type { EndpointAdapter } from '../dialects/types.js';
import type { AdmittedCall } from '../request-path/call.js';
import type { RequestPath } from '../request-path/request-path.js';
import { answerRouteError } from './control-plane.js';
import { NodeSink, type NodeSinkOptions } from './node-sink.js';
import type { GatewayState } from './lifecycle.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    adapter?: EndpointAdapter;
  }
}

/** Each request's one admission, from onRequest to the handler or the error handler. */
const admitted = new WeakMap<FastifyRequest, AdmittedCall>();

/** `sink`: the write deadline of streamed answers (limits.clientWriteMs). */
export function dataPlaneRoutes(app: FastifyInstance, path: RequestPath, state?: GatewayState, sink: NodeSinkOptions = {}): void {
  const sinkOptions = sink;
  for (const adapter of endpointAdapters) {
    // Keys and termsgate's own headers are checked before the body is read: no body is taken in for a
    // caller without a valid key. The connection closes after the answer, as the body is never read.
    const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.raw.setHeader('connection', 'close');
      const call = await path.admit(adapter, request.headers, new NodeSink(reply.raw));
      if (!call) return reply.hijack();
      admitted.set(request, call);
      reply.raw.removeHeader('connection');
    };
    app.post(adapter.path, { config: { adapter }, onRequest }, async (request, reply) => {
      reply.hijack();
      const sink = new NodeSink(reply.raw, sinkOptions);
      // Known to the drain, which cuts off what is still running at its deadline.
      state?.calls.add(sink);
      try {
        await path.handle(admitted.get(request)!, request.body, sink);
      } finally {
        state?.calls.delete(sink);
      }
    });
  }
}

/** Bad JSON and oversized bodies fail before a handler runs; they still get the endpoint's dialect and a record. */
export function dataPlaneErrors(app: FastifyInstance, path: RequestPath): void {
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const adapter = request.routeOptions.config?.adapter;
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'request body is larger than the gateway accepts'
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'the request body must be application/json'
          : status === 400
            ? `malformed JSON in the request body: ${error.message}`
            : status === 500
              ? 'termsgate failed to handle this request'
              : error.message;
    if (!adapter) return answerRouteError(request, reply, error, status, message);
    reply.hijack();
    // A body refused before it was read to the end (too large, too slow) leaves the connection unusable.
    if (status === 408 || status === 413) reply.raw.setHeader('connection', 'close');
    await path.reject(adapter, admitted.get(request), request.headers, status, message, new NodeSink(reply.raw));
  });
}
