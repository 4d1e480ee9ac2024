import type { Role } from '../core/control-plane.js';
import type { KeyBudget, KeyLimits, ProviderKind } from '../core/contracts.js';

export interface ProviderConfig {
  kind: ProviderKind;
  baseUrl: string;
  /** Name of the environment variable holding the provider API key; the key never enters the file. */
  apiKeyEnv?: string;
  /** How calls authenticate besides apiKeyEnv: google-adc (gemini on Vertex AI), entra-id (azure-openai). Bedrock always uses the AWS chain. */
  auth?: 'api-key' | 'google-adc' | 'entra-id';
  /** false only when declared, for a self-hosted deployment; absent means external, for every kind (fail closed). */
  external?: boolean;
  /** Anthropic API version header sent upstream. */
  anthropicVersion?: string;
  /** bedrock: the AWS region calls are signed for. */
  region?: string;
  /** azure-openai: the api-version query parameter (2024-10-21 when absent). */
  apiVersion?: string;
  /** Catalogue entry of the agreement the provider is used under (business or consumer terms). */
  licence?: string;
  /** The most connections to this provider; limits.providerConnections when absent. */
  maxConnections?: number;
  /** The egress proxy for this provider instead of HTTPS_PROXY/HTTP_PROXY/NO_PROXY, or 'direct'. */
  proxy?: string;
  /** PEM CA certificates trusted for this provider and its proxy besides the public roots (absolute once loaded). */
  caFile?: string;
  /** Retries on connection errors, 408, 429 and 5xx (defaults filled by the schema: none). */
  retry?: RetryConfig;
}

export interface RetryConfig {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ModelConfig {
  provider: string;
  upstreamModel: string;
  /** The checkpoint commit served. */
  revision?: string;
  /** Catalogue entry; defaults to the provider's licence. */
  licence?: string;
  /** Models tried in order when this one's provider fails; each a new policy decision. */
  fallbacks?: string[];
}

export interface VirtualKeyConfig {
  id: string;
  /** "sha256:<hex>" of the key. */
  hash: string;
  team: string;
  project: string;
  defaultPurpose: string;
  allowedPurposes: string[];
  limits?: KeyLimits;
  budget?: KeyBudget;
}

export interface TokenConfig {
  id: string;
  hash: string;
  role: Role;
}

export interface Config {
  server: {
    host: string;
    port: number;
    /** On SIGTERM or SIGINT, how long in-flight calls may run before they are ended with an error event and a failed record. */
    drainMs: number;
    /** Processes serving the port (node:cluster workers); more than 1 needs the PostgreSQL stores. */
    workers: number;
  };
  dataDir: string;
  limits: {
    bodyBytes: number;
    connectTimeoutMs: number;
    headersTimeoutMs: number;
    /** The idle deadline: longest silence in the middle of a provider's answer. */
    bodyTimeoutMs: number;
    /** The total deadline of one provider call, to the answer's last byte. */
    upstreamTotalMs: number;
    /** The most bytes of a provider's successful answer read whole. */
    upstreamAnswerBytes: number;
    /** The most bytes of one event of a provider's stream. */
    upstreamEventBytes: number;
    /** The write deadline: the longest a write to a client may wait to drain before the client is disconnected. */
    clientWriteMs: number;
    /** The most client connections at once; absent: the open-file limit less its reserve (gateway/server/client-connections.ts). */
    clientConnections?: number;
    /** The longest a client may take to send a request's head; then the connection is closed. */
    clientHeadersMs: number;
    /** The longest an idle keep-alive client connection is kept. */
    clientKeepAliveMs: number;
    /** The most connections to one provider, unless the provider sets maxConnections. */
    providerConnections: number;
    /** The longest a call waits for a free provider connection (503 past it). */
    providerQueueMs: number;
    /** The largest fraction of a provider's connections one caller may hold (at least one). */
    providerShare: number;
    /** Whose share it is: each virtual key's, or each team's. */
    providerShareBy: 'key' | 'team';
    /** No retry or fallback attempt begins later than this after the call's first provider attempt. */
    retryDeadlineMs: number;
  };
  /** How request bodies are taken in and classified (gateway/classify, gateway/server/intake.ts). */
  intake: {
    /** A body not fully received this long after its headers is refused (slow clients). */
    bodyTimeoutMs: number;
    /** JSON nesting deeper than this is refused while parsing. */
    maxDepth: number;
    /** A JSON object with more members than this is refused before parsing (a huge object is slow to parse). */
    maxObjectKeys: number;
    /** Budget of classifying one body in the worker pool, in ms on a thread (the wait for a thread not included). */
    classifyBudgetMs: number;
    /** Bodies with at most this many characters of strings are classified on the event loop. */
    inlineClassifyChars: number;
    classifyThreads: number;
    /** Bodies whose work (characters, plus a cost per string, key, number and nesting level) exceeds this go to the pool: a cap of a few ms on the event loop. */
    classifyInlineWork: number;
    /** How long a body may wait for a pool thread before it is answered busy (503); not part of classifyBudgetMs. */
    classifyQueueMs: number;
    /** How many bodies may wait for a pool thread; one more is answered busy at once. */
    classifyQueueMax: number;
    /** Decoded bytes (base64, data: URIs) inspected per body. */
    decodedBytes: number;
  };
  /** Optional external detector (Presidio-compatible analyzer); off when absent. */
  detector?: DetectorConfig;
  providers: Record<string, ProviderConfig>;
  models: Record<string, ModelConfig>;
  keys: VirtualKeyConfig[];
  /** Budgets: from which percent calls carry a warning, and the status of the hard stop. */
  spend: { softPercent: number; hardStopStatus: 402 | 429 };
  /** Limits and budgets of whole teams, by team name. */
  teams: Record<string, { limits?: KeyLimits; budget?: KeyBudget }>;
  /** Where keys created through /admin/v1/keys live (and console sessions); the backend defaults to audit.backend's. */
  keyStore: {
    backend?: 'file' | 'postgres';
    /** Defaults to audit.postgresUrl. */
    postgresUrl?: string;
    schema: string;
    pollMs: number;
  };
  provenanceIndex: {
    /** Defaults to postgres when audit.backend is postgres, else lmdb. */
    backend?: 'lmdb' | 'postgres';
    /** Defaults to audit.postgresUrl. */
    postgresUrl?: string;
    schema: string;
    followMs: number;
  };
  tokens: TokenConfig[];
  policy: {
    dir: string;
    bundleUrl?: string;
    pollIntervalMs: number;
    /** Total time of one bundle fetch, and the bytes a bundle may hold (fetched and unpacked). */
    bundleFetchMs: number;
    bundleMaxBytes: number;
    /** Wall-clock budget of one impact preview (dry run). */
    previewBudgetMs: number;
    decisionBudgetMs: number;
    /** Staged candidates kept, their age and their bytes. */
    maxCandidates: number;
    candidateTtlMs: number;
    stagingBytes: number;
    /** Reload the directory on edits (default true); false reads it once at start and ignores later edits. */
    watch: boolean;
    /** PEM public key fleet bundles must be signed with (OPA bundle signing); without it bundles are refused. */
    bundleKey?: string;
    /** Environment variable holding the bearer token for bundleUrl. */
    bundleToken?: { env: string };
  };
  /** Training-data provenance: semantic provenance (gateway/provenance/semantic/, issue 22 #1). */
  provenance: {
    semantic: {
      /** On by default; with the model missing, training admission refuses every record (fail closed). */
      enabled: boolean;
      /** Cosine similarity at or above which a window traces to its nearest restricted output; the gateway's measured default when absent. */
      threshold?: number;
      /** Coarse similarity a checked window needs for a model pass (0 embeds every window); the gateway's measured default when absent. */
      prefilter?: number;
      /** Folder holding model.onnx and tokenizer.json; .models/all-minilm-l6-v2-q in the package when absent. */
      modelDir?: string;
      /** CPU priority of the embedding thread: 'low' indexes on idle cores, after the calls being served. */
      priority: 'normal' | 'low';
      /** Inference threads of the embedding worker. */
      threads: number;
      /** The longest admission waits for the index to catch up; past it the record is refused for training. */
      waitMs: number;
      /** Restricted outputs waiting to be indexed at most; one more makes admission refuse until a restart. */
      maxBacklog: number;
      /** Characters of the restricted outputs waiting to be indexed at most; one more makes admission refuse until a restart. */
      maxBacklogChars: number;
      /** The longest record checked by meaning; a longer one is refused for training. */
      maxRecordChars: number;
      /** How often a running gateway applies a retention cutoff set by `audit purge-content` to its meaning index. */
      retentionCheckMs: number;
    };
    /** Detection of long texts on threads (provenance/detection-pool.ts). */
    detection: {
      /** Texts of at most this many characters are detected on the event loop. */
      inlineChars: number;
      threads: number;
      budgetMs: number;
      queueMs: number;
      queueMax: number;
    };
  };
  /** The distillation-signature monitor's alerts. */
  distillation: {
    webhooks: { url: string; level: 'medium' | 'high'; tokenEnv?: string }[];
  };
  audit: {
    backend: 'file' | 'postgres';
    postgresUrl?: string;
    /** The PostgreSQL schema of the audit tables and the training feed (default public). */
    schema?: string;
    origin: string;
    checkpointIntervalMs: number;
    syncIntervalMs: number;
    /** Where the checkpoint signing key comes from; without it, <data-dir>/keys (development only). */
    signer?: { file: string } | { env: string };
    tokenKey?: { file: string } | { env: string };
    /** C2SP tlog-witnesses every checkpoint is submitted to (file backend). */
    witnesses?: { url: string; key: string }[];
    /** Cosignatures a checkpoint needs; fewer is reported as an error (default: all witnesses). */
    witnessQuorum?: number;
  };
  oidc?: OidcConfig;
  /** Where the demo's mock provider listens, when the configuration was generated for --demo. */
  demo?: { mockPort: number };
}

/** Sign-in through the company's identity provider (authorization code + PKCE). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Environment variable holding the client secret; without it the client is public (PKCE only). */
  clientSecretEnv?: string;
  /** The callback URL registered at the provider; derived from the request when absent (set it in production). */
  redirectUri?: string;
  scopes: string[];
  /** The ID-token claim listing the user's groups. */
  roleClaim: string;
  /** Group → role; a user in several mapped groups gets the strongest role. */
  roles: Record<string, 'admin' | 'policy-editor' | 'auditor'>;
  sessionTtlSeconds: number;
}

export interface DetectorConfig {
  /** Base URL of a Presidio-compatible analyzer; the gateway posts to `<url>/analyze`. */
  url: string;
  timeoutMs: number;
  /** Bytes of the analyzer's answer; a longer one counts as no answer (fail-closed classes present). */
  maxAnswerBytes: number;
  language: string;
  scoreThreshold: number;
  /** Analyzer entity type → data class, e.g. PERSON → pii.name. */
  entities: Record<string, string>;
  /** Data classes taken as present when the analyzer cannot answer (fail closed); the rest fail open. */
  failClosed: string[];
}
