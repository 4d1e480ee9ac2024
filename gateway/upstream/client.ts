// One undici Pool per provider origin, with keep-alive and the configured timeouts. The provider
// API key is read from its environment variable here and nowhere else. What comes back passes the
// secret scrubber before anyone reads it: every header, error bodies whole, successful bodies as they stream.
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Config, ProviderConfig } from '../config/types.js';
import { providerKeys } from '../config/provider-keys.js';
import { SecretScrubber } from '../secrets/scrubber.js';
import { ERRORS, upstreamErrorCode, type UpstreamFailure } from '../core/errors.js';

export interface UpstreamBody extends AsyncIterable<Buffer> {
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

/** Provider error bodies are read whole (to scrub them) up to this size; the rest is dropped. */
const ERROR_BODY_LIMIT = 256 * 1024;

export interface UpstreamRequest {
  providerId: string;
  path: string;
  body: string;
  /** Client headers worth passing on (already filtered), without any auth. */
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** Why an upstream call did not produce a response, in terms the caller can act on. */
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

interface ProviderEndpoint {
  pool: Pool;
  basePath: string;
  authHeaders: Record<string, string>;
}

export class Upstream {
  readonly #endpoints = new Map<string, ProviderEndpoint>();
  readonly #scrubber: SecretScrubber;

  constructor(config: Pick<Config, 'providers' | 'limits'>, env: NodeJS.ProcessEnv = process.env, scrubber = new SecretScrubber({ secrets: providerKeys(config, env) })) {
    this.#scrubber = scrubber;
    for (const [id, p] of Object.entries(config.providers)) {
      const url = new URL(p.baseUrl);
      this.#endpoints.set(id, {
        pool: new Pool(url.origin, {
          connections: 128,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          connectTimeout: config.limits.connectTimeoutMs,
          headersTimeout: config.limits.headersTimeoutMs,
          bodyTimeout: config.limits.bodyTimeoutMs,
        }),
        basePath: url.pathname.replace(/\/+$/, '').replace(/\/v1$/, ''),
        authHeaders: authHeadersFor(p, env),
      });
    }
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const endpoint = this.#endpoints.get(req.providerId);
    if (!endpoint) throw new UpstreamError('unreachable', `no provider ${req.providerId}`);
    try {
      const res = await endpoint.pool.request({
        method: 'POST',
        path: endpoint.basePath + req.path,
        headers: { ...req.headers, ...endpoint.authHeaders, 'content-type': 'application/json' },
        body: req.body,
        signal: req.signal,
      });
      const headers = this.#scrubber.scrubHeaders(res.headers);
      if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, headers, body: scrubbedStream(res.body, this.#scrubber) };
      return { status: res.statusCode, headers, body: textBody(this.#scrubber.scrub(await boundedText(res.body))) };
    } catch (err) {
      throw toUpstreamError(err, req.signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#endpoints.values()].map((e) => e.pool.close()));
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

async function boundedText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < ERROR_BODY_LIMIT) chunks.push(chunk.subarray(0, ERROR_BODY_LIMIT - size));
    size += chunk.length;
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function scrubbedStream(body: Dispatcher.ResponseData['body'], scrubber: SecretScrubber): UpstreamBody {
  return {
    text: async () => scrubber.scrubExact(await body.text()),
    dump: () => body.dump(),
    async *[Symbol.asyncIterator]() {
      const pieces = scrubber.stream();
      const decoder = new TextDecoder();
      for await (const chunk of body as AsyncIterable<Buffer>) {
        const out = pieces.push(decoder.decode(chunk, { stream: true }));
        if (out) yield Buffer.from(out);
      }
      const rest = pieces.push(decoder.decode()) + pieces.end();
      if (rest) yield Buffer.from(rest);
    },
  };
}

function authHeadersFor(p: ProviderConfig, env: NodeJS.ProcessEnv): Record<string, string> {
  const key = p.apiKeyEnv ? env[p.apiKeyEnv] : undefined;
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
