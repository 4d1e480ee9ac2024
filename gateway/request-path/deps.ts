// What the composition root hands the request path: every stage behind a narrow interface.
import type { KeyDirectory } from '../auth/key-directory.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Budgets } from '../limits/budgets.js';
import type { Prices } from '../limits/prices.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import type { Upstream } from '../upstream/client.js';
import type { ProvenanceTokens } from '../signing/provenance-token.js';
import type {
  AuditSink,
  BodyClassification,
  DistillationWatch,
  MaskedFinding,
  PolicyDecider,
  ProvenanceStage,
  TrainingAdmission,
  TrainingFeedSink,
} from '../core/contracts.js';
import type { Telemetry } from '../../telemetry/types.js';

export interface RequestPathDeps {
  keys: Pick<KeyDirectory, 'authenticate' | 'vocabularyFor'>;
  routes: ModelRoutes;
  /** Classifies exactly what would be forwarded: every string of the body, keys included, and the forwarded headers. */
  classify(forwarded: Record<string, unknown>, headers: Record<string, string>): Promise<BodyClassification>;
  /** Replaces the findings of `classes` in the forwarded body by typed placeholders; rejects when it cannot (a header carries one). */
  mask(forwarded: Record<string, unknown>, classes: string[], headers: Record<string, string>): Promise<{ body: Record<string, unknown>; masked: MaskedFinding[] }>;
  redact(text: string, classes: string[]): string;
  policy(): PolicyDecider;
  upstream: Upstream;
  provenance: ProvenanceStage;
  audit: AuditSink;
  feed: TrainingFeedSink;
  admission: TrainingAdmission;
  provenanceTokens: ProvenanceTokens;
  /** Requests and tokens per minute per key and team; absent: nothing is limited. */
  limits?: Pick<RateLimits, 'admitRequest' | 'admitTokens' | 'settleTokens'>;
  /** Each call's cost at the catalogue's prices, and the budgets it counts against; absent: nothing is priced. */
  spend?: { prices: Pick<Prices, 'cost'>; budgets: Pick<Budgets, 'check' | 'hold' | 'record'> };
  telemetry?: Telemetry;
  /** The distillation monitor: its risk goes into the policy input, each call's event goes to it afterwards. */
  distillation?: DistillationWatch;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** limits.retryDeadlineMs: no retry or fallback attempt begins later than this after the first. */
  retryDeadlineMs?: number;
}
