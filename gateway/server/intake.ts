// Taking in a JSON request body so that no client can starve the gateway: a size cap, a deadline for
// the whole body (slow clients are cut off), and a nesting limit checked before the text is parsed.
// Replaces fastify's JSON parser, whose only limit is size.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { nestingExceeds } from '../text/json-nesting.js';

export interface IntakeLimits {
  bodyBytes: number;
  bodyTimeoutMs: number;
  maxDepth: number;
}

/** An intake failure, with the status and the code the data plane's error handler reads. */
export class IntakeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const BODY_TIMEOUT = 'TG_BODY_TIMEOUT';

export function registerIntake(app: FastifyInstance, limits: IntakeLimits): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (request, payload, done) => {
    readBody(payload as IncomingMessage, limits).then(
      (raw) => {
        try {
          done(null, parseJson(raw, limits.maxDepth));
        } catch (err) {
          done(err as Error, undefined);
        }
      },
      (err: Error) => done(err, undefined),
    );
  });
}

function readBody(stream: IncomingMessage, limits: IntakeLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(stream.headers['content-length']);
    if (declared > limits.bodyBytes) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      stream.off('data', onData).off('end', onEnd).off('error', finish);
      if (err) {
        // Stop reading what is left; the connection is closed once the error has been answered.
        stream.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.bodyBytes) return finish(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const timer = setTimeout(() => finish(new IntakeError(408, BODY_TIMEOUT, `the request body did not arrive within ${limits.bodyTimeoutMs} ms`)), limits.bodyTimeoutMs);
    stream.on('data', onData).on('end', onEnd).on('error', finish);
  });
}

function tooLarge(): IntakeError {
  return new IntakeError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'request body is larger than the gateway accepts');
}

/** JSON.parse, after a linear scan proves the nesting is within `maxDepth` (deep input overflows recursive consumers). */
export function parseJson(raw: string, maxDepth: number): unknown {
  if (nestingExceeds(raw, maxDepth)) throw new IntakeError(400, 'TG_TOO_DEEP', `JSON is nested deeper than ${maxDepth} levels`);
  try {
    // JSON.parse turns a number beyond double range (1e400, 400 digits) into Infinity, which canonical
    // JSON, the policy input and the providers cannot carry: a caller's mistake, refused here. The
    // reviver runs only when the text holds a number that could overflow.
    return MAYBE_OVERFLOW.test(raw) ? JSON.parse(raw, finiteOnly) : JSON.parse(raw);
  } catch (err) {
    if (err instanceof IntakeError) throw err;
    throw new IntakeError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', (err as Error).message);
  }
}

/** A decimal exponent of three digits or more, or a run of 309 digits: anything that might not fit a double. */
const MAYBE_OVERFLOW = /[eE]\+?0*[1-9]\d{2}|\d{309}/;

function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new IntakeError(400, 'TG_NUMBER_RANGE', 'a number in the request body is too large to represent');
  }
  return value;
}
