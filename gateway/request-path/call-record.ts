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

export function callRecord(p: RecordParts): CallRecord {
  return {
    decision_id: p.decisionId,
    phase: p.phase,
    time: p.time.toISOString(),
    principal: p.principal
      ? { key_id: p.principal.keyId, team: p.principal.team, project: p.principal.project }
      : { key_id: 'anonymous', team: '', project: '' },
    endpoint: p.endpoint,
    provider: p.route?.providerId ?? null,
    model: p.route?.name ?? null,
    upstream_model: p.route?.upstreamModel ?? null,
    purpose: p.purpose,
    decision: p.denied ? 'deny' : 'allow',
    reasons: p.reasons ?? p.decision?.request.reasons ?? [],
    obligations: p.decision?.request.obligations ?? null,
    policy_revision: p.decision?.revision ?? null,
    data_classes: p.dataClasses,
    // Filled by the audit sink from the content appended with the record: it digests what it keeps.
    request_digest: null,
    response_digest: null,
    usage: p.usage ?? null,
    latency_ms: p.latencyMs ?? null,
    status: p.status,
    error: p.error ?? null,
    watermark_id: p.watermarkId ?? null,
    training_permit_id: p.permitId ?? null,
    licence: p.route?.licence ?? null,
    trainable: p.decision?.training.permit ?? false,
    ...(p.masked?.length ? { masked: p.masked } : {}),
    ...(p.attempts && p.attempts.length > 1 ? { attempts: p.attempts } : {}),
    ...(typeof p.costUsd === 'number' ? { cost_usd: p.costUsd } : {}),
    ...(p.provenanceToken ? { provenance_token: p.provenanceToken } : {}),
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
