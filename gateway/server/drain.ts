// Graceful shutdown: stop listening, let in-flight calls finish up to the drain deadline, then cut off
// what is left so that each call ends with its dialect's error and a failed record.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { UpstreamError } from '../upstream/client.js';
import type { GatewayState } from './lifecycle.js';

export const DRAIN_CUT_OFF = 'termsgate is shutting down and ended this call at its drain deadline';
/** How long cut-off calls get to write their error event and failed record. */
const CUT_OFF_GRACE_MS = 2_000;
const POLL_MS = 50;

export async function drain(app: FastifyInstance, state: GatewayState, opts: { drainMs: number; log: FastifyBaseLogger }): Promise<{ drainedMs: number; cutOff: number }> {
  const t0 = performance.now();
  state.startDraining();
  // No new connections; Node closes the idle kept-alive ones, and the hook in app.ts answers 503 on the others.
  app.server.close();
  opts.log.info({ in_flight: state.responses.size, drain_ms: opts.drainMs }, 'draining');
  const deadline = t0 + opts.drainMs;
  while (state.responses.size > 0 && performance.now() < deadline) {
    // Connections whose last call just finished are idle now: close them so nothing lingers to keep-alive.
    app.server.closeIdleConnections();
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - performance.now())));
  }
  const cutOff = state.calls.size;
  if (cutOff > 0) {
    opts.log.warn({ calls: cutOff }, 'drain deadline reached; ending the calls still in flight');
    for (const call of state.calls) call.cutOff(new UpstreamError('shutdown', DRAIN_CUT_OFF));
    const grace = performance.now() + CUT_OFF_GRACE_MS;
    while (state.calls.size > 0 && performance.now() < grace) await sleep(POLL_MS);
  }
  app.server.closeIdleConnections();
  const drainedMs = Math.round(performance.now() - t0);
  opts.log.info({ drained_ms: drainedMs, cut_off: cutOff, left: state.responses.size }, 'drained');
  return { drainedMs, cutOff };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
