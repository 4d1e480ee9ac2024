// Test doubles of every stage the request path sequences, writing what happens, in order, to one
// list of events, so tests can assert the sequence (record before answer, started before upstream).
import type { KeyDirectory } from '../../gateway/auth/key-directory.js';
import type { AuditRecord, BodyClassification, CallContent, CallRecord, ModelRoute, RequestDecision } from '../../gateway/core/contracts.js';
import { hashSecret } from '../../gateway/core/secret-hash.js';
import type { ProvenanceTokens } from '../../gateway/signing/provenance-token.js';
import type { Upstream, UpstreamResponse } from '../../gateway/upstream/client.js';
import type { ModelRoutes } from '../../gateway/upstream/model-routes.js';
import type { Telemetry } from '../../telemetry/types.js';
import type { ClientSink } from '../../gateway/request-path/client-sink.js';
import type { RequestPathDeps } from '../../gateway/request-path/deps.js';

export const FAKE_KEY = 'tg-fake-key';
export const FAKE_MODEL = 'fake-model';

export interface FakeUpstream {
  status: number;
  contentType?: string;
  /** The body, or the chunks of a streamed body. */
  body: string | string[];
  /** The connection breaks (ECONNRESET) before this chunk. */
  resetAt?: number;
}

export interface FakeOptions {
  allow?: boolean;
  contentLogging?: RequestDecision['obligations']['content_logging'];
  classifyFails?: boolean;
  /** The classifier has no free thread (status 503, as the pool's ClassifierBusy). */
  classifyBusy?: boolean;
  auditFails?: boolean;
  /** Only the append of a record of this phase (or these phases) fails. */
  auditFailsOn?: string | string[];
  /** Where the stages between the provider's last byte and the final record throw. */
  throwIn?: 'admission' | 'feed' | 'remember';
  upstream?: FakeUpstream;
  telemetry?: Telemetry;
}

export interface FakeStages {
  deps: RequestPathDeps;
  events: string[];
  records: { record: CallRecord; content?: CallContent }[];
}

const route: ModelRoute = { name: FAKE_MODEL, providerId: 'fake', providerKind: 'openai', external: true, upstreamModel: 'fake-upstream', licence: 'mit' };

export function fakeStages(opts: FakeOptions = {}): FakeStages {
  const events: string[] = [];
  const records: FakeStages['records'] = [];
  const hash = hashSecret(FAKE_KEY);
  const keys = {
    vocabularyFor: () => new Set(['general', 'training-data']),
    async authenticate(headers: Record<string, string | string[] | undefined>) {
      events.push('authenticate');
      const presented = String(headers.authorization ?? '').replace(/^Bearer /, '');
      return presented && hashSecret(presented) === hash
        ? { principal: { keyId: 'k1', team: 't', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'] } }
        : { principal: null, message: 'invalid or missing virtual key' };
    },
  };
  const upstream = opts.upstream ?? { status: 200, body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'an answer' }, finish_reason: 'stop' }] }) };
  const deps: RequestPathDeps = {
    keys: keys satisfies Pick<KeyDirectory, 'authenticate' | 'vocabularyFor'>,
    routes: { resolve: (name: string) => (name === FAKE_MODEL ? route : null), fallbacks: () => [] } as unknown as ModelRoutes,
    async classify(forwarded): Promise<BodyClassification> {
      events.push('classify');
      if (opts.classifyFails) throw new Error('classifier down');
      if (opts.classifyBusy) throw Object.assign(new Error('no thread within 10 ms'), { status: 503 });
      const email = JSON.stringify(forwarded).includes('@');
      return email ? { classes: ['pii.email'], counts: { 'pii.email': 1 }, paths: {} } : { classes: [], counts: {}, paths: {} };
    },
    mask: async (body) => ({ body, masked: [] }),
    redact: (text) => text.replace(/[\w.]+@[\w.]+/g, '[pii.email]'),
    policy: () => ({
      decide() {
        events.push('decide');
        const allow = opts.allow ?? true;
        return {
          revision: 'rev-1',
          request: {
            allow,
            reasons: allow ? [] : [{ rule: 'fake.deny', message: 'denied by the fake policy' }],
            obligations: { watermark: false, content_logging: opts.contentLogging ?? 'full', redactions: ['pii.email'] },
          },
          training: { permit: true, licence: 'mit', licence_class: 'free', attribution: [], naming: [], duties: [], inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] }, reasons: [] },
        };
      },
    }),
    upstream: {
      retryConfig: () => ({ maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }),
      async send(): Promise<UpstreamResponse> {
        events.push('upstream');
        const chunks = Array.isArray(upstream.body) ? upstream.body : [upstream.body];
        return {
          status: upstream.status,
          headers: { 'content-type': upstream.contentType ?? 'application/json' },
          body: {
            text: async () => chunks.join(''),
            dump: async () => undefined,
            async *[Symbol.asyncIterator]() {
              for (const [i, c] of chunks.entries()) {
                if (i === upstream.resetAt) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
                yield Buffer.from(c);
              }
            },
          },
        };
      },
    } as unknown as Upstream,
    provenance: {
      marker: () => ({ watermarkId: 'wm-1', markText: (t) => t, stream: () => ({ push: (d) => d }) }),
      remember: () => {
        events.push('remember');
        if (opts.throwIn === 'remember') throw new Error('fingerprint queue full');
      },
    },
    audit: {
      async append(record: AuditRecord, content?: CallContent) {
        const r = record as CallRecord;
        events.push(`record ${r.phase}`);
        if (opts.auditFails || [opts.auditFailsOn].flat().includes(r.phase)) throw new Error('disk full');
        records.push({ record: r, content });
        return { seq: records.length - 1, durable: Promise.resolve() };
      },
      close: async () => undefined,
    },
    feed: {
      offer() {
        events.push('feed');
        if (opts.throwIn === 'feed') throw new Error('feed closed');
        return 'permit-1';
      },
      close: async () => undefined,
    },
    admission: {
      screen: async () => {
        if (opts.throwIn === 'admission') throw new RangeError('Maximum call stack size exceeded');
        return { admitted: true, reasons: [], origins: [] };
      },
    },
    provenanceTokens: { sign: () => ({ token: 'token', digest: 'sha256:' + '0'.repeat(64) }) } as unknown as ProvenanceTokens,
    telemetry: opts.telemetry,
    log: { warn() {}, error() {} },
  };
  return { deps, events, records };
}

/** A client that writes what it receives to the same event list. */
export class FakeSink implements ClientSink {
  readonly signal = new AbortController().signal;
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  headersSent = false;

  constructor(readonly events: string[]) {}

  head(status: number, headers: Record<string, string>): void {
    this.events.push(`answer ${status}`);
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
  }

  async write(chunk: string): Promise<void> {
    this.events.push('answer part');
    this.body += chunk;
  }

  end(chunk?: string): void {
    this.events.push('answer end');
    this.body += chunk ?? '';
  }
}
