import { Ajv } from 'ajv';
import fc from 'fast-check';
import Fastify from 'fastify';
import t from 'tap';
import {
  CALL_ERROR_TYPES,
  ERROR_CODES,
  ERRORS,
  errorAnswer,
  errorAnswerFor,
  errorCodeFor,
  errorTypeFor,
  errorTypeOf,
  sendError,
  upstreamErrorCode,
  type ErrorExtra,
  type ErrorFace,
  type Phase,
  type UpstreamFailure,
} from './errors.js';

// The error types Anthropic documents; its SDK picks the error class by status, but clients read these.
const ANTHROPIC_TYPES = ['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'request_too_large', 'rate_limit_error', 'billing_error', 'api_error', 'overloaded_error'];

const reason = { type: 'object', required: ['rule', 'message'], properties: { rule: { type: 'string' }, message: { type: 'string' } } };
const extras = { decision_id: { type: 'string' }, reasons: { type: 'array', items: reason }, step: { type: 'string' } };
const word = { type: 'string', pattern: '^[a-z]+(_[a-z]+)*$' };
const schemas = {
  openai: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['message', 'type', 'param', 'code'],
        additionalProperties: false,
        properties: { message: { type: 'string' }, type: word, param: { type: 'null' }, code: { anyOf: [word, { type: 'null' }] }, ...extras },
      },
    },
  },
  anthropic: {
    type: 'object',
    required: ['type', 'error'],
    additionalProperties: false,
    properties: {
      type: { const: 'error' },
      error: {
        type: 'object',
        required: ['type', 'message'],
        additionalProperties: false,
        properties: { type: { enum: ANTHROPIC_TYPES }, message: { type: 'string' }, code: word, ...extras },
      },
    },
  },
  control: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: { error: { type: 'object', required: ['type', 'message'], additionalProperties: false, properties: { type: word, message: { type: 'string' }, ...extras } } },
  },
};
const ajv = new Ajv({ allErrors: true });
const validate = { openai: ajv.compile(schemas.openai), anthropic: ajv.compile(schemas.anthropic), control: ajv.compile(schemas.control) };

const FACES: ErrorFace[] = ['openai', 'anthropic', 'control', 'text'];
// Every string a body may hold besides the caller's message and extras: the table's own words.
const TABLE_WORDS = new Set<string>(['error', ...Object.values(ERRORS).flatMap((e) => [e.openai.type, e.openai.code ?? '', e.anthropic.type, e.control])]);

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const extraArb: fc.Arbitrary<ErrorExtra> = fc.record(
  {
    decisionId: fc.uuid(),
    reasons: fc.array(fc.record({ rule: fc.string({ minLength: 1 }), message: fc.string() }), { maxLength: 3 }),
    step: fc.constantFrom('fmt', 'check', 'test', 'build', 'fetch'),
  },
  { requiredKeys: [] },
);

t.test('every code yields a valid body in every face, with the table status and the message carried', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...ERROR_CODES), fc.constantFrom(...FACES), fc.string({ unit: 'binary' }), extraArb, (code, face, message, extra) => {
      const a = errorAnswer(code, face, message, extra);
      if (a.status !== ERRORS[code].status) return false;
      if (face === 'text') return a.body === (message.endsWith('\n') ? message : message + '\n');
      const body = a.body as Record<string, unknown>;
      if (!validate[face](body)) throw new Error(`${code}/${face}: ${ajv.errorsText(validate[face].errors)}`);
      if ((body.error as { message: string }).message !== message) return false;
      // Nothing but the message, the extras and the table's words: no stack, no key, no internal field.
      const allowed = new Set([message, extra.decisionId, extra.step, ...(extra.reasons ?? []).flatMap((r) => [r.rule, r.message])]);
      return strings(body).every((s) => allowed.has(s) || TABLE_WORDS.has(s));
    }),
    { numRuns: 2000 },
  );
});

t.test('a message taken from an Error carries no stack', async (t) => {
  const err = new Error('the provider is down');
  for (const face of FACES) {
    const text = JSON.stringify(errorAnswer('upstream_unreachable', face, err.message).body);
    t.notMatch(text, /\bat .*:\d+:\d+/, face);
    t.notMatch(text, /stack/, face);
  }
});

t.test('the table: distinct codes per status in the data plane, telemetry types from the one list', async (t) => {
  for (const code of ERROR_CODES) {
    const e = ERRORS[code];
    t.ok(e.status >= 400 && e.status < 600, `${code}: an error status`);
    if (e.telemetry !== null) t.ok((CALL_ERROR_TYPES as readonly string[]).includes(e.telemetry), `${code}: ${e.telemetry}`);
  }
  t.same(
    ERROR_CODES.filter((c) => ERRORS[c].telemetry === null),
    ['policy_denied'],
    'only a policy denial is no failure',
  );
  t.same(errorAnswer('upstream_auth_failed', 'anthropic', 'm').body, { type: 'error', error: { type: 'api_error', message: 'm', code: 'upstream_auth_failed' } }, 'Anthropic clients read this code');
  t.same(errorAnswer('policy_refused', 'control', 'm', { step: 'check' }).body, { error: { type: 'policy_refused', message: 'm', step: 'check' } });
  t.same(errorAnswer('unauthenticated', 'control', 'm').body, { error: { type: 'unauthorized', message: 'm' } });
});

// The request path's private functions as they were (request-path.ts), the oracle for the table's equivalents.
function oldCodeFor(status: number, phase: string): string | undefined {
  if (phase === 'denied' && status === 403) return 'termsgate_policy_denied';
  if (status === 401) return 'invalid_api_key';
  if (status === 404) return 'model_not_found';
  return undefined;
}
function oldErrorTypeFor(status: number, phase: string): string | undefined {
  if (phase === 'denied') return status === 401 ? 'unauthenticated' : undefined;
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}
function oldErrorTypeOf(kind: UpstreamFailure): string {
  return kind === 'timeout' ? 'upstream_timeout' : kind === 'aborted' ? 'client_abort' : 'upstream_connect';
}

t.test('errorCodeFor and errorTypeFor agree with the request path’s codeFor and errorTypeFor', async (t) => {
  // Where the old errorTypeFor fell back to its status class, its callers always passed errorTypeOf
  // explicitly (499, 502, 504) or never reached it (a 401 is always a denial); the table names them.
  // 402 and 429 came later (budgets and rate limits, issue 25): the table names them, where the old functions fell back to the status class.
  const named: Record<number, string> = { 401: 'unauthenticated', 402: 'budget_exceeded', 429: 'rate_limited', 499: 'client_abort', 502: 'upstream_connect', 504: 'upstream_timeout' };
  const phases: Phase[] = ['denied', 'failed'];
  for (const phase of phases) {
    for (let status = 400; status < 600; status++) {
      const code = errorCodeFor(status, phase);
      const realistic = phase === 'failed' || status === 401 || status === 403;
      if (realistic) t.equal(ERRORS[code].openai.code ?? undefined, phase === 'failed' && (status === 402 || status === 429) ? ERRORS[status === 402 ? 'budget_exceeded' : 'rate_limited'].openai.code : oldCodeFor(status, phase), `code ${status} ${phase}`);
      const expected = phase === 'failed' && named[status] ? named[status] : oldErrorTypeFor(status, phase);
      t.equal(errorTypeFor(status, phase), expected, `type ${status} ${phase}`);
    }
  }
  for (const kind of ['unreachable', 'timeout', 'reset', 'aborted'] as const) {
    t.equal(errorTypeOf(kind), oldErrorTypeOf(kind), kind);
    t.equal(ERRORS[upstreamErrorCode(kind)].status, kind === 'timeout' ? 504 : kind === 'aborted' ? 499 : 502, `${kind}: UpstreamError's status`);
    t.equal(errorTypeFor(ERRORS[upstreamErrorCode(kind)].status, 'failed'), errorTypeOf(kind), `${kind}: the status alone names it`);
  }
  // An answer the gateway will not pass on (too large, a redirect, encoded) is the provider's protocol failure.
  t.equal(ERRORS[upstreamErrorCode('invalid')].status, 502);
  t.equal(errorTypeOf('invalid'), 'upstream_protocol');
});

t.test('errorAnswerFor keeps a status decided elsewhere', async (t) => {
  t.same(errorAnswerFor(405, 'failed', 'control', 'm'), { status: 405, body: { error: { type: 'invalid_request', message: 'm' } } });
  t.same(errorAnswerFor(403, 'failed', 'control', 'm').body, { error: { type: 'forbidden', message: 'm' } }, 'a CSRF refusal');
  t.same(errorAnswerFor(500, 'failed', 'control', 'm').body, { error: { type: 'internal', message: 'm' } });
});

t.test('sendError answers a fastify route: JSON for the control plane and dialects, text labelled as text', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  app.get('/control', (_req, reply) => sendError(reply, 'not_found', 'control', 'no such thing'));
  app.get('/text', (_req, reply) => sendError(reply, 'unavailable', 'text', 'not built'));
  app.get('/anthropic', (_req, reply) => sendError(reply, 'unauthenticated', 'anthropic', 'no key'));
  const control = await app.inject('/control');
  t.equal(control.statusCode, 404);
  t.match(control.headers['content-type'], /^application\/json/);
  t.same(control.json(), { error: { type: 'not_found', message: 'no such thing' } });
  const text = await app.inject('/text');
  t.equal(text.statusCode, 503);
  t.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(text.body, 'not built\n');
  const anthropic = await app.inject('/anthropic');
  t.equal(anthropic.statusCode, 401);
  t.same(anthropic.json(), { type: 'error', error: { type: 'authentication_error', message: 'no key' } });
});
