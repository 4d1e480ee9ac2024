// Info lines about callers' mistakes (bad credentials, malformed requests) are capped per logger (the
// server's, not a request's child), so nobody can flood the log by sending garbage: at most
// LINES_PER_WINDOW a minute, then one line saying how many were left out. Hand-written: pino has no rate limiting of its own.
import type { FastifyBaseLogger } from 'fastify';

const WINDOW_MS = 60_000;
const LINES_PER_WINDOW = 20;

interface Window {
  start: number;
  lines: number;
  dropped: number;
}

const windows = new WeakMap<FastifyBaseLogger, Window>();

export function sampledInfo(log: FastifyBaseLogger, obj: object, msg: string, now = Date.now()): void {
  let w = windows.get(log);
  if (!w || now - w.start >= WINDOW_MS) {
    if (w && w.dropped > 0) log.info({ dropped: w.dropped }, 'caller errors left out of the log in the last minute');
    w = { start: now, lines: 0, dropped: 0 };
    windows.set(log, w);
  }
  if (w.lines >= LINES_PER_WINDOW) {
    w.dropped++;
    return;
  }
  w.lines++;
  log.info(obj, msg);
}
