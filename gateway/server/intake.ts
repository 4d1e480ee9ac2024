// Taking in a JSON request body so that no client can starve the gateway: a size cap, a deadline for
// the whole body (slow clients are cut off), and a nesting limit checked before the text is parsed.
// Replaces fastify's JSON parser, whose only limit is size.
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { jsonShapeFault } from '../text/json-nesting.js';

export interface IntakeLimits {
  bodyBytes: number;
  bodyTimeoutMs: number;
  maxDepth: number;
  /** Members of one JSON object at most. */
  maxObjectKeys: number;
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
    const refused = unreadableEncoding(request.headers);
    if (refused) return done(refused, undefined);
    readBody(payload as IncomingMessage, limits).then(
      (raw) => {
        try {
          done(null, parseJson(raw, limits.maxDepth, limits.maxObjectKeys));
        } catch (err) {
          done(err as Error, undefined);
        }
      },
      (err: Error) => done(err, undefined),
    );
  });
}

/**
 * A body the gateway would read as something other than what the caller meant: compressed (its bytes
 * are not JSON; nothing is inflated, so no bomb) or in a charset other than UTF-8. Refused by name
 * rather than reported as malformed JSON.
 */
export function unreadableEncoding(headers: IncomingHttpHeaders): IntakeError | null {
  const encoding = String(headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') return new IntakeError(415, 'TG_CONTENT_ENCODING', `the request body must not be compressed (content-encoding ${encoding.slice(0, 40)} is not accepted)`);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(headers['content-type'] ?? ''))?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return new IntakeError(415, 'TG_CHARSET', `the request body must be UTF-8 JSON (charset ${charset.slice(0, 40)} is not accepted)`);
  return null;
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

/**
 * JSON.parse, after a linear scan proves the nesting is within `maxDepth` (deep input overflows recursive
 * consumers) and no object has more than `maxObjectKeys` members (a huge object is slow to parse).
 */
export function parseJson(raw: string, maxDepth: number, maxObjectKeys = Infinity): unknown {
  if (raw.charCodeAt(0) === 0xfeff) throw new IntakeError(400, 'TG_BYTE_ORDER_MARK', 'the body starts with a byte order mark (U+FEFF); send JSON without one');
  const fault = jsonShapeFault(raw, maxDepth, maxObjectKeys);
  if (fault === 'depth') throw new IntakeError(400, 'TG_TOO_DEEP', `JSON is nested deeper than ${maxDepth} levels`);
  if (fault === 'keys') throw new IntakeError(400, 'TG_TOO_MANY_KEYS', `a JSON object in the body has more than ${maxObjectKeys} members (intake.maxObjectKeys)`);
  try {
    // JSON.parse turns a number beyond double range (1e400, 400 digits) into Infinity, which canonical
    // JSON, the policy input and the providers cannot carry: a caller's mistake, refused here. The
    // reviver runs only when the text holds a number that could overflow.
    return MAYBE_OVERFLOW.test(raw) ? JSON.parse(raw, finiteOnly) : JSON.parse(raw);
  } catch (err) {
    if (err instanceof IntakeError) throw err;
    throw new IntakeError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', syntaxMessage(err));
  }
}

/**
 * JSON.parse's message without the slice of the body V8 quotes ("Unexpected token 'A', ...\"content\":AKIAIOSFOD\"..."):
 * the first characters of a caller's secret would reach the audit record and the log. Kept only when it
 * quotes nothing but JSON's own punctuation.
 */
export function syntaxMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const quotesOnlyPunctuation = !message.includes('"') && [...message.matchAll(/'([^']*)'/g)].every(([, q]) => /^[,:{}[\]]$/.test(q));
  if (quotesOnlyPunctuation && message.length > 0 && message.length <= 200) return message;
  const position = /at position (\d+)/.exec(message)?.[1];
  return `unexpected character${position ? ` at position ${position}` : ''}`;
}

/** A decimal exponent of three digits or more, or a run of 309 digits: anything that might not fit a double. */
const MAYBE_OVERFLOW = /[eE]\+?0*[1-9]\d{2}|\d{309}/;

function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new IntakeError(400, 'TG_NUMBER_RANGE', 'a number in the request body is too large to represent');
  }
  return value;
}
