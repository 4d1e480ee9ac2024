// The interfaces between the stages of the request path (ARCHITECTURE.md: authenticate → classify →
// policy: admit? → upstream → response transform → record → policy: trainable? → training feed).
// Each stage depends only on these types, never on another stage's module.

export type Dialect = 'openai' | 'anthropic';

export type Endpoint =
  | 'chat.completions'
  | 'responses'
  | 'completions'
  | 'embeddings'
  | 'messages'
  | 'models';

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible' | 'gemini' | 'azure-openai' | 'bedrock';

/** Who is calling: what a virtual key resolves to. */
export interface Principal {
  keyId: string;
  team: string;
  project: string;
  defaultPurpose: string;
  allowedPurposes: string[];
  /** Public model names the key may call; absent: every model. */
  models?: string[];
  /** Per-key rate limits (the key store's keys). */
  limits?: KeyLimits;
  /** Per-key spend caps in US dollars (the key store's keys). */
  budget?: KeyBudget;
}

export interface KeyLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface KeyBudget {
  dailyUsd?: number;
  monthlyUsd?: number;
}

/** A virtual key as the admin API shows it (/admin/v1/keys): never its hash, never the key. */
export interface KeyView {
  id: string;
  team: string;
  project: string;
  defaultPurpose: string;
  allowedPurposes: string[];
  /** Public model names the key may call; null: every model. */
  models: string[] | null;
  /** RFC 3339; null: never expires. */
  expiresAt: string | null;
  limits: KeyLimits;
  budget: KeyBudget;
  source: 'store' | 'config';
  status: 'active' | 'expired' | 'revoked';
  spend: { day_usd: number; month_usd: number };
}

/** A public model name resolved to the provider that serves it. */
export interface ModelRoute {
  name: string;
  providerId: string;
  providerKind: ProviderKind;
  /** false for self-hosted open-weight deployments (no data leaves the company). */
  external: boolean;
  upstreamModel: string;
  /** The checkpoint revision served (a commit), when the configuration pins one. */
  revision?: string;
  /** Id into the licence catalogue (policies/data/licences.json). */
  licence: string;
}

/** What the classifiers found in the request content. Detectors report, the policy decides. */
export interface DataClasses {
  /** e.g. ["pii.email", "secret.api_key"]; sorted, unique. */
  classes: string[];
  /** count per class, for the audit record; never the matched text itself. */
  counts: Record<string, number>;
  /** Where in the forwarded body each class was found (`tools[0].function.description`). */
  paths?: Record<string, string[]>;
}

/** One masked finding, as the audit record keeps it: never the value, only its placeholder and place. */
export interface MaskedFinding {
  placeholder: string;
  data_class: string;
  path: string;
}

/** What classifying the forwarded body found: classes, counts and paths. */
export type BodyClassification = Required<DataClasses>;

export interface PolicyReason {
  rule: string;
  message: string;
  /** The terms clause a rule relies on, quoted from the licence catalogue. */
  clause?: { licence: string; section: string; text: string; url: string };
}

export type ContentLogging = 'full' | 'redacted' | 'digest';

export interface RequestDecision {
  allow: boolean;
  reasons: PolicyReason[];
  obligations: {
    watermark: boolean;
    content_logging: ContentLogging;
    /** data classes to redact from logged content when content_logging is 'redacted'. */
    redactions: string[];
    /** data classes to replace by typed placeholders in the forwarded body instead of refusing the call. */
    mask?: string[];
    /** Warnings for the caller, sent on an admitted call's answer as `x-termsgate-warning` (e.g. a distillation risk). */
    warnings?: string[];
  };
}

/** A licence duty, recorded for the model card; it binds when the trigger happens, never at call time. */
export interface LicenceDuty {
  kind: string;
  text: string;
  trigger: 'distribution' | 'distribution-or-made-available';
  /** Naming duties: the prefix the student's name must begin with. */
  prefix?: string;
}

/** The licence's use restrictions that a model trained on the output carries. */
export interface InheritedRestrictions {
  forbidden_deployment_purposes: string[];
  use_restrictions: string[];
}

export interface TrainingDecision {
  permit: boolean;
  licence: string;
  /** free, duties-on-distribution, not-for-competing-models, never, derivatives-inherit, non-commercial, or unknown. */
  licence_class: string;
  attribution: string[];
  naming: string[];
  duties: LicenceDuty[];
  inherited_restrictions: InheritedRestrictions;
  reasons: PolicyReason[];
}

export interface Decision {
  id: string;
  revision: string;
  request: RequestDecision;
  training: TrainingDecision;
}

/** Input to both policy entrypoints; built by a pure function from the call. */
export interface CallFacts {
  principal: Principal;
  purpose: string;
  endpoint: Endpoint;
  route: ModelRoute;
  dataClasses: DataClasses;
  stream: boolean;
  /** RFC 3339; OPA's WASM target has no time.* built-ins, so time comes in the input. */
  now: string;
  /** The caller's distillation risk as last computed off the request path (gateway/distillation); absent when not watched. */
  distillation?: DistillationRisk;
}

export type RiskLevel = 'low' | 'medium' | 'high';

/** The worst distillation risk among a caller's key, project and team, as the policy reads it. */
export interface DistillationRisk {
  level: RiskLevel;
  score: number;
  /** Which scope it is, e.g. `key:search-1`, `team:search`. */
  scope: string;
  /** Names of the signals that carry the score, strongest first. */
  signals: string[];
  /** A legal-team clearance (a recorded change) covers this scope. */
  cleared: boolean;
}

/** What the request path hands the distillation monitor after each call: small, built from what it already holds. */
export interface DistillationEvent {
  decisionId: string;
  /** Milliseconds since the epoch. */
  time: number;
  principal: Principal;
  purpose: string;
  provider: string;
  model: string;
  /** The upstream model and pinned revision: a change of either is a model version change. */
  version: string;
  /** The provider's terms forbid training on its outputs (licence class never or not-for-competing-models). */
  restricted: boolean;
  /** The prompt as the caller sent it; read off the request path, never stored. */
  prompt: unknown[];
  maxTokens: number | null;
  n: number;
  temperature: number | null;
  /** Reasoning asked for by parameter (reasoning_effort, thinking). */
  reasoningParam: boolean;
  outputTokens: number;
  /** Refused by the terms for a training purpose (rule terms.training_forbidden). */
  refusedForTraining: boolean;
}

/** The distillation monitor as the request path sees it: hand over an event, read a risk. Both are O(1). */
export interface DistillationWatch {
  observe(event: DistillationEvent): void;
  risk(principal: Principal): DistillationRisk | undefined;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  /** Of the input tokens, those the provider served from its prompt cache (cheaper), where it says so. */
  cached_input_tokens?: number;
}

/** One audit record per phase of a call; see gateway/audit for storage and proofs. */
export interface CallRecord {
  decision_id: string;
  /** incomplete: answered, but the provider's stream ended before its end event; never offered to the feed. */
  phase: 'started' | 'completed' | 'incomplete' | 'denied' | 'failed';
  time: string;
  principal: { key_id: string; team: string; project: string };
  endpoint: Endpoint;
  provider: string | null;
  model: string | null;
  upstream_model: string | null;
  purpose: string;
  decision: 'allow' | 'deny';
  reasons: PolicyReason[];
  obligations: RequestDecision['obligations'] | null;
  policy_revision: string | null;
  data_classes: string[];
  request_digest: string | null;
  response_digest: string | null;
  usage: Usage | null;
  latency_ms: number | null;
  status: number;
  error: string | null;
  watermark_id: string | null;
  training_permit_id: string | null;
  licence: string | null;
  trainable: boolean;
  /** What the gateway masked in the forwarded body and where; present only when it masked something. */
  masked?: MaskedFinding[];
  /** US dollars, the usage at the model's prices (policies/data/prices.json); present only on a call with usage and a priced model. */
  cost_usd?: number;
  /** Every provider attempt with its decision, in order; present only when there was more than one (retries, fallbacks). */
  attempts?: CallAttempt[];
  /**
   * "sha256:<hex>" of the provenance token (x-termsgate-provenance) the call's answer carries; present once
   * one was issued. With decision_id, licence, trainable and policy_revision, under a signed checkpoint, it
   * lets anyone holding the log's public key check a token without the gateway's MAC key.
   */
  provenance_token?: string;
}

/** One attempt of a call at a model: a fallback is a new decision; a retry repeats the one before. */
export interface CallAttempt {
  model: string;
  provider: string;
  licence: string;
  decision: 'allow' | 'deny';
  policy_revision: string | null;
  trainable: boolean;
  /** The rules that denied a fallback. */
  rules: string[];
  /** The provider's status, or the gateway's for a failure to get one (0 when denied, never sent). */
  status: number;
  error: string | null;
  /** How long the gateway waited before this attempt (backoff or retry-after). */
  waited_ms: number;
}

/** Who made a control-plane change: a static token (by id) or a signed-in user (OIDC subject and email). */
export interface ChangeActor {
  /**
   * 'config': the gateway recording the configuration it started with (e.g. its audit witnesses);
   * 'system': a change the gateway made by itself, e.g. `policy-watch` (an edit of the policies directory)
   * or `policy-bundle` (a fleet bundle polled from policy.bundleUrl).
   */
  type: 'token' | 'oidc' | 'config' | 'system';
  id: string;
  email: string | null;
}

/** A control-plane change, kept in the same tamper-evident log as the calls (gateway/changes). */
export interface ChangeRecord {
  kind: 'change';
  change_id: string;
  time: string;
  actor: ChangeActor;
  role: string;
  /** What was done, e.g. policy.activate; gateway/changes names them. */
  action: string;
  /** What it was done to: a candidate, revision, key or token id. */
  target: string | null;
  before: string | null;
  after: string | null;
  /** Required for activations and rollbacks. */
  reason: string | null;
  /** The client's address as the gateway saw it. */
  client: string | null;
  outcome: 'done' | 'refused';
  /** Why a refused change was refused. */
  error: string | null;
}

export type AuditRecord = CallRecord | ChangeRecord;

/** Content kept beside the tree, keyed by its digest, so retention can purge it without breaking proofs. */
export interface CallContent {
  request?: unknown;
  response?: unknown;
  /** Named by digest in the record but not stored (content logging `digest`, or a record before the call's last). */
  digestOnly?: boolean;
}

export interface AuditSink {
  /**
   * Appends a record. Returns once the record has reached the operating system (survives kill -9);
   * `durable` settles when it has been fsynced by group commit. The sink sets the record's
   * request and response digests from `content`: a call's records name what the log keeps.
   */
  append(record: AuditRecord, content?: CallContent): Promise<{ seq: number; durable: Promise<void> }>;
  close(): Promise<void>;
}

export type FeedRole = 'system' | 'user' | 'assistant' | 'tool';

/** One turn as the feed stores it and the runner renders it: nothing but a role and its text. */
export interface FeedMessage {
  role: FeedRole;
  content: string;
}

/** What the training feed stores for a permitted output: the licence terms its training decision carried, and the exchange. */
export interface TrainingExample extends Omit<TrainingDecision, 'permit' | 'reasons'> {
  decision_id: string;
  model: string;
  policy_revision: string;
  /** The prompt as the caller sent it; the feed stores only its FeedMessage projection. */
  messages: unknown[];
  completion: string;
  top_logprobs: unknown[] | null;
  time: string;
}

export interface TrainingFeedSink {
  /** Signs a permit and enqueues the example; never blocks the response. Returns the permit id. */
  offer(example: TrainingExample): string;
  close(): Promise<void>;
}

/** Whether texts bound for the training feed carry restricted provenance (gateway/training/admission.ts). */
export interface TrainingScreen {
  admitted: boolean;
  /** One per restricted origin, naming its decision; empty when admitted. */
  reasons: PolicyReason[];
  origins: { decision_id: string | null; licence: string | null; origin: string; status: string }[];
}

export interface TrainingAdmission {
  /**
   * Scans the record as the feed would store it (gateway/training/feed-messages.ts), alone and with
   * the recent records of the scope's key, project and team; a record with any restricted span is not admitted.
   * Asynchronous: the semantic check waits for its index's high-water mark and embeds in a thread.
   */
  screen(messages: unknown[], completion: string, scope?: Pick<Principal, 'keyId' | 'project' | 'team'>): Promise<TrainingScreen>;
}

/** Streaming-aware watermark for one output (gateway/provenance). */
export interface OutputMarker {
  readonly watermarkId: string;
  /** Marks a complete text. */
  markText(text: string): string;
  /** Marks a stream of text deltas; each delta passes through at once (a mark goes before a space). */
  stream(): { push(delta: string): string };
}

export interface ProvenanceStage {
  marker(args: { decisionId: string; licenceClass: string; trainable: boolean }): OutputMarker;
  /** Indexes what was served so that stripped or excerpted copies trace back. */
  remember(args: { decisionId: string; text: string; licence: string; licenceClass?: string; trainable: boolean; time: string }): void;
}

/** The policy stage: both entrypoints of one whole revision, evaluated together. Throws when it cannot decide. */
export interface PolicyDecider {
  decide(facts: CallFacts): { revision: string; request: RequestDecision; training: TrainingDecision };
}
