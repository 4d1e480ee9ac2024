// One undici Pool per provider origin (direct or through the egress proxy: egress.ts), with keep-alive and the configured timeouts. The provider
// API key is read from its environment variable here and nowhere else. What comes back passes the
// secret scrubber before anyone reads it: every header, error bodies whole, successful bodies as they stream.
// And it is bounded here, so every caller is (issue 21): a successful answer (read whole, or a stream in
// all) is refused past limits.upstreamAnswerBytes and a stream event past limits.upstreamEventBytes, while they are read; a
// call has limits.upstreamTotalMs in all and limits.bodyTimeoutMs of silence at most; a redirect or an
// encoded answer (content-encoding other than identity) is refused. A refusal throws an UpstreamError and
// destroys the provider's body, so its connection is closed and its buffers released.
// Connections are admitted here too: a provider's pool has limits.providerConnections (or the provider's
// maxConnections), one caller holds at most limits.providerShare of them, and a call that gets none within
// limits.providerQueueMs is refused with 503 (connection-gate.ts). A slot is held until the answer's body
// closes (read to its end, refused, or destroyed because the client went away or was too slow to read).
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { Config, ProviderConfig, RetryConfig } from '../config/types.js';
import { providerKeys } from '../config/provider-keys.js';
import { proxyCredentials } from '../config/proxy-environment.js';
import { egressFor, tokenEgressFor } from './egress.js';
import { tokenTransport, type TokenTransport } from './token-transport.js';
import { bedrockSigner, type RequestSigner } from './aws-signer.js';
import { awsCredentialChain, CredentialsUnavailable, entraBearer, googleBearer, type AuthHeaderSource, type Reveal } from './provider-credentials.js';
import { awsEventStreamToSse } from './aws-event-stream.js';
import { SecretScrubber } from '../secrets/scrubber.js';
import { ERRORS, upstreamErrorCode, type UpstreamFailure } from '../core/errors.js';
import { bounded, readBounded } from '../core/bounded-body.js';
import { LOOP_SLICE_MS, LoopSlices } from '../core/loop-slices.js';
import { ConnectionGate, QueueTimeout, type Release } from './connection-gate.js';

export interface UpstreamBody extends AsyncIterable<Buffer> {
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

/** Provider error bodies are read whole (to scrub them) up to this size; the rest is not read. */
const ERROR_BODY_LIMIT = 256 * 1024;

export interface UpstreamRequest {
  providerId: string;
  path: string;
  body: string;
  /** Client headers worth passing on (already filtered), without any auth. */
  headers: Record<string, string>;
  signal: AbortSignal;
  /** The model the provider serves the call with: an Azure OpenAI deployment goes in the path. */
  upstreamModel?: string;
  /** Who makes the call, for the fair share of connections; calls without one share one anonymous caller. */
  caller?: { keyId: string; team: string };
}

/** Why an upstream call did not produce a usable response, in terms the caller can act on. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERRORS[upstreamErrorCode(this.kind)].status;
  }
}

/** The bounds of one provider call (the `limits` section). */
export type UpstreamLimits = Pick<
  Config['limits'],
  'connectTimeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'upstreamTotalMs' | 'upstreamAnswerBytes' | 'upstreamEventBytes'
> &
  Partial<Pick<Config['limits'], 'providerConnections' | 'providerQueueMs' | 'providerShare' | 'providerShareBy'>>;

/** The GA api-version of Azure OpenAI's data plane used when a provider names none. */
const AZURE_API_VERSION = '2024-10-21';

const NO_RETRIES: RetryConfig = { maxRetries: 0, baseDelayMs: 250, maxDelayMs: 8_000 };

interface ProviderEndpoint {
  /** One pool per provider origin, direct or through the egress proxy (egress.ts). */
  pool: Dispatcher;
  origin: string;
  gate: ConnectionGate;
  basePath: string;
  authHeaders: Record<string, string>;
  retry: RetryConfig;
  /** azure-openai: the api-version of every call; deployment URLs instead of /v1 paths. */
  azureApiVersion?: string;
  /** bedrock: every call is signed (SigV4) over its final path, headers and body. */
  sign?: RequestSigner;
  /** auth google-adc or entra-id: a bearer token from the cloud's chain, fetched (or cached) per call. */
  authSource?: AuthHeaderSource;
  url: URL;
  /** The credential chain's token calls (bedrock, google-adc, entra-id). */
  tokens?: TokenTransport;
}

type RawBody = Dispatcher.ResponseData['body'];

export class Upstream {
  readonly #endpoints = new Map<string, ProviderEndpoint>();
  readonly #scrubber: SecretScrubber;
  readonly #limits: UpstreamLimits;
  /** Reading a JSON answer yields the loop after this much work in one turn (as the request path's stream chunks do). */
  readonly #slices = new LoopSlices(LOOP_SLICE_MS);

  constructor(config: { providers: Config['providers']; limits: UpstreamLimits }, env: NodeJS.ProcessEnv = process.env, scrubber = new SecretScrubber({ secrets: [...providerKeys(config, env), ...proxyCredentials(env)] })) {
    this.#scrubber = scrubber;
    this.#limits = config.limits;
    const reveal: Reveal = (secrets) => scrubber.add({ secrets });
    for (const [id, p] of Object.entries(config.providers)) {
      const url = new URL(p.baseUrl);
      const connections = p.maxConnections ?? config.limits.providerConnections ?? 128;
      // The credential chains' token calls leave by the provider's proxy and CA bundle, as its calls do.
      const tokens = p.kind === 'bedrock' || p.auth === 'google-adc' || p.auth === 'entra-id' ? tokenTransport(tokenEgressFor(id, p, env)) : undefined;
      this.#endpoints.set(id, {
        // The gate admits at most `connections` calls, so undici's own queue (unbounded, no deadline) stays empty.
        gate: new ConnectionGate({
          limit: connections,
          perCaller: connections * (config.limits.providerShare ?? 0.5),
          queueMs: config.limits.providerQueueMs ?? 10_000,
        }),
        // No redirect interceptor: undici follows no redirects, and send() refuses a 3xx.
        pool: egressFor(
          id,
          p,
          {
            connections,
            pipelining: 1,
            keepAliveTimeout: 30_000,
            connectTimeout: config.limits.connectTimeoutMs,
            headersTimeout: config.limits.headersTimeoutMs,
            // The idle deadline: the longest silence between two pieces of a provider's body.
            bodyTimeout: config.limits.bodyTimeoutMs,
          },
          env,
        ),
        origin: url.origin,
        basePath: url.pathname.replace(/\/+$/, '').replace(/\/v1$/, ''),
        authHeaders: authHeadersFor(p, env),
        retry: p.retry ?? NO_RETRIES,
        azureApiVersion: p.kind === 'azure-openai' ? (p.apiVersion ?? AZURE_API_VERSION) : undefined,
        sign: p.kind === 'bedrock' && tokens ? bedrockSigner(id, p.region, awsCredentialChain(id, reveal, tokens)) : undefined,
        authSource: tokens && p.auth === 'google-adc' ? googleBearer(id, reveal, tokens) : tokens && p.auth === 'entra-id' ? entraBearer(id, reveal, tokens) : undefined,
        url,
        tokens,
      });
    }
  }

  /** How a failed call to this provider is retried (retry.ts decides each wait). */
  retryConfig(providerId: string): RetryConfig {
    return this.#endpoints.get(providerId)?.retry ?? NO_RETRIES;
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const endpoint = this.#endpoints.get(req.providerId);
    if (!endpoint) throw new UpstreamError('unreachable', `no provider ${req.providerId}`);
    const limits = this.#limits;
    const caller = !req.caller ? 'anonymous' : limits.providerShareBy === 'team' ? `team:${req.caller.team}` : `key:${req.caller.keyId}`;
    let release: Release;
    try {
      release = await endpoint.gate.acquire(caller, req.signal);
    } catch (err) {
      if (!(err instanceof QueueTimeout)) throw this.#error(err, req.signal);
      throw new UpstreamError(
        'busy',
        `no connection to provider ${req.providerId} was free within limits.providerQueueMs (${endpoint.gate.queueMs} ms; ${endpoint.gate.limit} connections, at most ${endpoint.gate.perCaller} per ${limits.providerShareBy ?? 'key'}); retry later`,
      );
    }
    // The total deadline: from the request to the last byte of the answer, however it trickles. Aborting
    // the request destroys the response body with this reason, so a reader gets it as an UpstreamError.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new UpstreamError('timeout', `the provider did not finish its answer within limits.upstreamTotalMs (${limits.upstreamTotalMs} ms)`)),
      limits.upstreamTotalMs,
    );
    timer.unref();
    // The caller's abort reaches the same controller (cheaper per call than AbortSignal.any).
    const callerGone = () => deadline.abort(req.signal.reason);
    if (req.signal.aborted) callerGone();
    else req.signal.addEventListener('abort', callerGone, { once: true });
    // Whatever becomes of the call (its body read to the end, refused, dumped, the client gone, or no answer
    // at all), the deadline goes with it and its connection slot returns to the gate.
    const closed = () => {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', callerGone);
      release();
    };
    let body: RawBody | null = null;
    try {
      const path = endpoint.basePath + (endpoint.azureApiVersion ? azureDeploymentPath(req.path, req.upstreamModel ?? '', endpoint.azureApiVersion) : req.path);
      // identity: the gateway reads (scrubs, marks, records) every byte it passes on, so it asks for none it cannot read.
      let sent: Record<string, string> = { ...req.headers, ...endpoint.authHeaders, 'content-type': 'application/json', 'accept-encoding': 'identity' };
      if (endpoint.authSource) sent = { ...sent, ...(await endpoint.authSource()) };
      if (endpoint.sign) sent = await endpoint.sign({ url: endpoint.url, path, headers: sent, body: req.body });
      const res = await endpoint.pool.request({
        origin: endpoint.origin,
        method: 'POST',
        path,
        headers: sent,
        body: req.body,
        signal: deadline.signal,
      });
      body = res.body;
      if (body.closed) closed();
      else body.once('close', closed);
      const encoding = contentEncoding(res.headers['content-encoding']);
      if (encoding) {
        throw new UpstreamError('invalid', `the provider answered with content-encoding ${encoding}, which termsgate does not pass on (it asks for identity)`);
      }
      if (res.statusCode >= 300 && res.statusCode < 400) {
        throw new UpstreamError('invalid', `the provider answered a redirect (HTTP ${res.statusCode}); termsgate neither follows nor passes on redirects`);
      }
      const headers = this.#scrubber.scrubHeaders(res.headers);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // AWS's binary event stream (Bedrock) is re-framed as SSE before anything reads or scrubs it as text.
        const awsEvents = String(res.headers['content-type'] ?? '').includes('application/vnd.amazon.eventstream');
        if (awsEvents) headers['content-type'] = 'text/event-stream';
        const sse = awsEvents || String(res.headers['content-type'] ?? '').includes('text/event-stream');
        return { status: res.statusCode, headers, body: this.#scrubbedBody(body, sse, Number(res.headers['content-length'] ?? 0), req.signal, awsEvents) };
      }
      return { status: res.statusCode, headers, body: textBody(this.#scrubber.scrub(await errorText(body))) };
    } catch (err) {
      // A body closes the call when it closes; without one, nothing else will.
      if (body) releaseBody(body);
      else closed();
      throw this.#error(err, req.signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#endpoints.values()].flatMap((e) => [e.pool.close(), e.tokens?.close()]));
  }

  /**
   * A successful body: scrubbed, and bounded as it is read. text() holds at most limits.upstreamAnswerBytes;
   * iterating passes at most limits.upstreamAnswerBytes in all, and at most limits.upstreamEventBytes of one SSE event (a stream).
   */
  #scrubbedBody(body: RawBody, sse: boolean, declaredLength: number, signal: AbortSignal, awsEvents = false): UpstreamBody {
    const { upstreamAnswerBytes, upstreamEventBytes } = this.#limits;
    const scrubber = this.#scrubber;
    const tooLarge = (name: string, limit: number, what: string) => () =>
      new UpstreamError('invalid', `the provider's ${what} exceeded limits.${name} (${limit} bytes); termsgate stopped reading it`);
    const answerTooLarge = tooLarge('upstreamAnswerBytes', upstreamAnswerBytes, 'answer');
    const mapError = (err: unknown) => {
      releaseBody(body);
      return this.#error(err, signal);
    };
    return {
      text: async () => {
        try {
          // A declared length past the bound is refused before a byte is read.
          if (declaredLength > upstreamAnswerBytes) throw answerTooLarge();
          return scrubber.scrubExact(new TextDecoder().decode(await readBounded(body as AsyncIterable<Buffer>, upstreamAnswerBytes, answerTooLarge, this.#slices)));
        } catch (err) {
          throw mapError(err);
        }
      },
      dump: async () => {
        await body.dump().catch(() => undefined);
      },
      async *[Symbol.asyncIterator]() {
        // A stream is bounded per event and as a whole: the request path collects its text for the record,
        // so an endless stream of small events read by a fast client would otherwise grow memory until the total deadline.
        const source = awsEvents ? reframed(body as AsyncIterable<Buffer>) : (body as AsyncIterable<Buffer>);
        const whole = bounded(source, upstreamAnswerBytes, 'whole', answerTooLarge);
        const chunks = sse ? bounded(whole, upstreamEventBytes, 'event', tooLarge('upstreamEventBytes', upstreamEventBytes, 'stream event')) : whole;
        const pieces = scrubber.stream();
        const decoder = new TextDecoder();
        try {
          for await (const chunk of chunks) {
            const out = pieces.push(decoder.decode(chunk, { stream: true }));
            if (out) yield Buffer.from(out);
          }
        } catch (err) {
          throw mapError(err);
        } finally {
          // A reader that stops early (the client went away) leaves nothing open upstream.
          releaseBody(body);
        }
        const rest = pieces.push(decoder.decode()) + pieces.end();
        if (rest) yield Buffer.from(rest);
      },
    };
  }

  /** toUpstreamError, with the configured limit named where a timeout is undici's. */
  #error(err: unknown, signal: AbortSignal): UpstreamError {
    const l = this.#limits;
    if (err instanceof CredentialsUnavailable) return new UpstreamError('credentials', this.#scrubber.scrub(`the gateway has no credentials for the provider: ${err.message}`));
    if (!(err instanceof UpstreamError) && !signal.aborted) {
      if (err instanceof undiciErrors.ConnectTimeoutError) return new UpstreamError('timeout', `the provider did not answer in time (no connection within limits.connectTimeoutMs, ${l.connectTimeoutMs} ms)`);
      if (err instanceof undiciErrors.HeadersTimeoutError) return new UpstreamError('timeout', `the provider did not answer in time (no headers within limits.headersTimeoutMs, ${l.headersTimeoutMs} ms)`);
      if (err instanceof undiciErrors.BodyTimeoutError) return new UpstreamError('timeout', `the provider did not answer in time (silent for limits.bodyTimeoutMs, ${l.bodyTimeoutMs} ms)`);
    }
    return toUpstreamError(err, signal);
  }
}

/** AWS event stream bytes as SSE text, message by message (aws-event-stream.ts). */
async function* reframed(body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const reframe = awsEventStreamToSse();
  for await (const chunk of body) {
    const sse = reframe(chunk);
    if (sse.length) yield Buffer.from(sse);
  }
}

function textBody(text: string): UpstreamBody {
  return {
    text: async () => text,
    dump: async () => undefined,
    async *[Symbol.asyncIterator]() {
      if (text) yield Buffer.from(text);
    },
  };
}

/** Up to ERROR_BODY_LIMIT bytes of an error body; the rest is not read (the connection is closed instead). */
async function errorText(body: RawBody): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk.subarray(0, ERROR_BODY_LIMIT - size));
    size += chunk.length;
    if (size >= ERROR_BODY_LIMIT) break;
  }
  releaseBody(body);
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Destroys a body not read to its end, which closes its connection (a half-read answer cannot be reused). */
function releaseBody(body: RawBody): void {
  if (body.destroyed || body.readableEnded) return;
  body.on('error', () => undefined);
  body.destroy();
}

/** The content-encoding of an answer when it is not identity (gzip, br, deflate, zstd, or a list), else ''. */
function contentEncoding(value: string | string[] | undefined): string {
  const codings = (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  // Named in an error message: only the characters a coding name has, and not too many of them.
  return codings.join(', ').replace(/[^a-z0-9, .-]/g, '').slice(0, 60) || (codings.length ? 'unknown' : '');
}

function authHeadersFor(p: ProviderConfig, env: NodeJS.ProcessEnv): Record<string, string> {
  const key = p.apiKeyEnv ? env[p.apiKeyEnv] : undefined;
  if (p.kind === 'gemini') return key ? { 'x-goog-api-key': key } : {};
  if (p.kind === 'azure-openai') return key ? { 'api-key': key } : {};
  if (p.kind === 'anthropic') {
    return { ...(key ? { 'x-api-key': key } : {}), 'anthropic-version': p.anthropicVersion ?? '2023-06-01' };
  }
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Maps undici's failures to what the gateway reports; messages never carry provider keys or URLs with secrets. */
export function toUpstreamError(err: unknown, signal?: AbortSignal): UpstreamError {
  if (err instanceof UpstreamError) return err;
  // The gateway aborts a call itself (its drain deadline) with the failure to report as the reason.
  if (signal?.aborted) return signal.reason instanceof UpstreamError ? signal.reason : new UpstreamError('aborted', 'the client went away');
  if (
    err instanceof undiciErrors.ConnectTimeoutError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError
  ) {
    return new UpstreamError('timeout', `the provider did not answer in time (${(err as Error).message})`);
  }
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return new UpstreamError('unreachable', `the provider is unreachable (${code})`);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || err instanceof undiciErrors.SocketError) {
    return new UpstreamError('reset', 'the provider closed the connection');
  }
  return new UpstreamError('unreachable', `the provider call failed (${code || (err as Error).name})`);
}

/** An OpenAI path (/v1/chat/completions) as Azure OpenAI's deployment URL for it. */
export function azureDeploymentPath(path: string, deployment: string, apiVersion: string): string {
  return `/openai/deployments/${encodeURIComponent(deployment)}${path.replace(/^\/v1(?=\/)/, '')}?api-version=${encodeURIComponent(apiVersion)}`;
}
