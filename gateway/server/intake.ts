// Taking in a JSON request body so that no client can starve the gateway: a size cap, a deadline for
// the whole body (slow clients are cut off), and a nesting limit checked before the text is parsed.
// Replaces fastify's JSON parser, whose only limit is size.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';

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

// Hand-written because no JSON library reports depth before building the value. Strings are skipped
// with indexOf, so a prompt-sized string costs one native search, not a loop over its characters.
export function nestingExceeds(raw: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(raw, i);
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing the string that opens at `open` (or the end of the text). */
function endOfString(raw: string, open: number): number {
  let i = open;
  for (;;) {
    i = raw.indexOf('"', i + 1);
    if (i < 0) return raw.length;
    let backslashes = 0;
    while (raw.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
