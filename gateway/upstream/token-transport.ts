// The cloud SDKs' own token calls — AWS STS and SSO (web identity, assumed roles, SSO profiles), Google's OAuth
// token endpoint and STS, Entra ID — sent through the provider's egress dispatcher (egress.ts), so they follow
// `providers.<id>.proxy`, `direct`, `caFile` and NO_PROXY exactly as the provider's own calls do. Each SDK takes
// a transport of its own shape (Smithy's request handler, a fetch function, Azure's HttpClient); these adapt one
// undici dispatcher to each, by hand because the SDKs' handlers take Node agents or their own proxy settings, not
// a dispatcher. Metadata endpoints on the node itself (link-local 169.254.0.0/16, fe80::/10) are always reached
// directly: a proxy cannot reach them.
import type { Readable } from 'node:stream';
import { Agent, fetch as undiciFetch, request, type Dispatcher } from 'undici';
import { boundedResponse, boundedStream, readBounded } from '../core/bounded-body.js';
import type { TokenCredentialOptions } from '@azure/identity';

type AzureHttpClient = NonNullable<TokenCredentialOptions['httpClient']>;
type AzureRequest = Parameters<AzureHttpClient['sendRequest']>[0];
type AzureResponse = Awaited<ReturnType<AzureHttpClient['sendRequest']>>;

/** The parts of a Smithy HttpRequest a handler reads. */
interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array | Readable;
}

// A token endpoint answers a few KB of JSON or XML; an answer that goes on past this, or a call that takes
// longer in all than TOKEN_CALL_MS (a server trickling bytes), is cut and the SDK sees its call fail.
const TOKEN_ANSWER_BYTES = 1024 * 1024;
const TOKEN_CALL_MS = 30_000;
const tooLong = () => new Error(`the token endpoint answered more than ${TOKEN_ANSWER_BYTES} bytes`);
/** The caller's signal, if any, and the total deadline. */
const withDeadline = (...given: Array<AbortSignal | null | undefined>): AbortSignal => AbortSignal.any([...given.filter((s): s is AbortSignal => !!s), AbortSignal.timeout(TOKEN_CALL_MS)]);

const LINK_LOCAL = /^(?:169\.254\.\d{1,3}\.\d{1,3}|\[fe[89ab][0-9a-f]:[^\]]*\])$/i;

export interface TokenTransport {
  /** For AWS clients (`requestHandler`): the STS and SSO calls of the AWS credential chain. */
  smithyHandler: { handle(req: SmithyRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> };
  /** For google-auth-library (`transporterOptions.fetchImplementation`). */
  fetch: typeof fetch;
  /** For @azure/identity (`httpClient`). */
  azureHttpClient: AzureHttpClient;
  /** Closes the dispatchers (the transport owns them). */
  close(): Promise<void>;
}

/** `onNode` reaches link-local endpoints (a direct agent, made on first use, unless given). The transport owns both. */
export function tokenTransport(egress: Dispatcher, onNode?: Dispatcher): TokenTransport {
  let direct = onNode;
  const via = (url: URL): Dispatcher => (LINK_LOCAL.test(url.hostname) ? (direct ??= new Agent()) : egress);
  return {
    smithyHandler: {
      async handle(req, options) {
        const url = new URL(`${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path}${queryOf(req.query)}`);
        const res = await request(url, { method: req.method as Dispatcher.HttpMethod, headers: req.headers, body: req.body, dispatcher: via(url), signal: withDeadline(options?.abortSignal) });
        return { response: { statusCode: res.statusCode, headers: flatHeaders(res.headers), body: boundedStream(res.body, TOKEN_ANSWER_BYTES, tooLong) } };
      },
    },
    fetch: ((input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      return undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: via(url), signal: withDeadline(init?.signal) }).then((res) => boundedResponse(res, TOKEN_ANSWER_BYTES, tooLong));
    }) as unknown as typeof fetch,
    azureHttpClient: {
      async sendRequest(req: AzureRequest): Promise<AzureResponse> {
        if (req.body !== undefined && req.body !== null && typeof req.body !== 'string') throw new Error('a token request with a body that is not text');
        const url = new URL(req.url);
        // The request's own timeout kept: @azure/identity probes the instance metadata endpoint with a short one.
        const signal = withDeadline(req.abortSignal as AbortSignal | undefined, req.timeout > 0 ? AbortSignal.timeout(req.timeout) : undefined);
        const res = await request(url, { method: req.method as Dispatcher.HttpMethod, headers: req.headers.toJSON(), body: req.body ?? undefined, dispatcher: via(url), signal });
        return { request: req, status: res.statusCode, headers: new AzureHeaders(flatHeaders(res.headers)), bodyAsText: (await readBounded(res.body, TOKEN_ANSWER_BYTES, tooLong)).toString('utf8') };
      },
    },
    async close() {
      await Promise.all([egress.close(), direct?.close()]);
    },
  };
}

/** Smithy's query record in the order given, each part percent-encoded as AWS's signer expects (%20, not +). */
function queryOf(query: SmithyRequest['query']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) parts.push(one === null ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(one)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Azure's HttpHeaders (case-insensitive names) over a plain record. */
class AzureHeaders {
  readonly #map: Map<string, string>;
  constructor(headers: Record<string, string>) {
    this.#map = new Map(Object.entries(headers));
  }
  get(name: string): string | undefined {
    return this.#map.get(name.toLowerCase());
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.#map.set(name.toLowerCase(), String(value));
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#map);
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.#map.entries();
  }
}
