// Pure builders of the audit record and logged content for a call; no I/O.
import type { CallRecord, ContentLogging, Decision, Endpoint, ModelRoute, Principal, Usage } from '../core/contracts.js';

export interface RecordParts {
  decisionId: string;
  phase: CallRecord['phase'];
  time: Date;
  principal: Principal | null;
  endpoint: Endpoint;
  route: ModelRoute | null;
  purpose: string;
  decision: Decision | null;
  denied: boolean;
  reasons?: CallRecord['reasons'];
  dataClasses: string[];
  usage?: Usage | null;
  latencyMs?: number | null;
  status: number;
  error?: string | null;
  watermarkId?: string | null;
  permitId?: string | null;
  masked?: CallRecord['masked'];
  attempts?: CallRecord['attempts'];
  costUsd?: number | null;
  provenanceToken?: string | null;
}

// Members in RFC 8785's order (UTF-16 code units), so the canonical JSON of a leaf is serialised as the
// record stands, with no sorted copy (gateway/core/canonical-json.ts). Assigned one by one rather than
// spread: an object literal that spreads the optional members is several times slower to build.
export function callRecord(p: RecordParts): CallRecord {
  const r = {} as CallRecord;
  if (p.attempts && p.attempts.length > 1) r.attempts = p.attempts;
  if (typeof p.costUsd === 'number') r.cost_usd = p.costUsd;
  r.data_classes = p.dataClasses;
  r.decision = p.denied ? 'deny' : 'allow';
  r.decision_id = p.decisionId;
  r.endpoint = p.endpoint;
  r.error = p.error ?? null;
  r.latency_ms = p.latencyMs ?? null;
  r.licence = p.route?.licence ?? null;
  if (p.masked?.length) r.masked = p.masked;
  r.model = p.route?.name ?? null;
  r.obligations = p.decision?.request.obligations ?? null;
  r.phase = p.phase;
  r.policy_revision = p.decision?.revision ?? null;
  r.principal = p.principal ? { key_id: p.principal.keyId, project: p.principal.project, team: p.principal.team } : { key_id: 'anonymous', project: '', team: '' };
  if (p.provenanceToken) r.provenance_token = p.provenanceToken;
  r.provider = p.route?.providerId ?? null;
  r.purpose = p.purpose;
  r.reasons = p.reasons ?? p.decision?.request.reasons ?? [];
  // Filled by the audit sink from the content appended with the record: it digests what it keeps.
  r.request_digest = null;
  r.response_digest = null;
  r.status = p.status;
  r.time = p.time.toISOString();
  r.trainable = p.decision?.training.permit ?? false;
  r.training_permit_id = p.permitId ?? null;
  r.upstream_model = p.route?.upstreamModel ?? null;
  r.usage = p.usage ?? null;
  r.watermark_id = p.watermarkId ?? null;
  return r;
}

/**
 * A request or response as the log keeps it under the policy's logging obligation: whole (`full`,
 * and `digest`, which keeps only its digest) or with the named data classes redacted.
 */
export function loggedValue(level: ContentLogging, value: unknown, redact: (text: string, classes: string[]) => string, redactions: string[]): unknown {
  if (level !== 'redacted' || value === undefined) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const clean = redact(text, redactions);
  if (typeof value === 'string') return clean;
  try {
    return JSON.parse(clean);
  } catch {
    return clean;
  }
}
