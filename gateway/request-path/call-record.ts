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
// record stands, with no sorted copy (gateway/core/canonical-json.ts).
export function callRecord(p: RecordParts): CallRecord {
  return {
    ...(p.attempts && p.attempts.length > 1 ? { attempts: p.attempts } : {}),
    ...(typeof p.costUsd === 'number' ? { cost_usd: p.costUsd } : {}),
    data_classes: p.dataClasses,
    decision: p.denied ? 'deny' : 'allow',
    decision_id: p.decisionId,
    endpoint: p.endpoint,
    error: p.error ?? null,
    latency_ms: p.latencyMs ?? null,
    licence: p.route?.licence ?? null,
    ...(p.masked?.length ? { masked: p.masked } : {}),
    model: p.route?.name ?? null,
    obligations: p.decision?.request.obligations ?? null,
    phase: p.phase,
    policy_revision: p.decision?.revision ?? null,
    principal: p.principal
      ? { key_id: p.principal.keyId, project: p.principal.project, team: p.principal.team }
      : { key_id: 'anonymous', project: '', team: '' },
    ...(p.provenanceToken ? { provenance_token: p.provenanceToken } : {}),
    provider: p.route?.providerId ?? null,
    purpose: p.purpose,
    reasons: p.reasons ?? p.decision?.request.reasons ?? [],
    // Filled by the audit sink from the content appended with the record: it digests what it keeps.
    request_digest: null,
    response_digest: null,
    status: p.status,
    time: p.time.toISOString(),
    trainable: p.decision?.training.permit ?? false,
    training_permit_id: p.permitId ?? null,
    upstream_model: p.route?.upstreamModel ?? null,
    usage: p.usage ?? null,
    watermark_id: p.watermarkId ?? null,
  };
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
