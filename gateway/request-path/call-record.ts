// Pure builders of the audit record and stored content for a call; no I/O.
import type { CallContent, CallRecord, ContentLogging, Decision, Endpoint, ModelRoute, Principal, Usage } from '../core/contracts.js';

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
  requestDigest: string | null;
  responseDigest?: string | null;
  usage?: Usage | null;
  latencyMs?: number | null;
  status: number;
  error?: string | null;
  watermarkId?: string | null;
  permitId?: string | null;
  masked?: CallRecord['masked'];
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
    request_digest: p.requestDigest,
    response_digest: p.responseDigest ?? null,
    usage: p.usage ?? null,
    latency_ms: p.latencyMs ?? null,
    status: p.status,
    error: p.error ?? null,
    watermark_id: p.watermarkId ?? null,
    training_permit_id: p.permitId ?? null,
    licence: p.route?.licence ?? null,
    trainable: p.decision?.training.permit ?? false,
    ...(p.masked?.length ? { masked: p.masked } : {}),
  };
}

/**
 * The content kept beside the record, as the policy's logging obligation says: everything,
 * the text with the named data classes redacted, or nothing but the digests in the record.
 */
export function loggedContent(
  level: ContentLogging,
  content: CallContent,
  redact: (text: string, classes: string[]) => string,
  redactions: string[],
): CallContent | undefined {
  if (level === 'digest') return undefined;
  if (level === 'full') return content;
  const scrub = (v: unknown): unknown => {
    if (v === undefined) return undefined;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const clean = redact(text, redactions);
    if (typeof v === 'string') return clean;
    try {
      return JSON.parse(clean);
    } catch {
      return clean;
    }
  };
  return { request: scrub(content.request), response: scrub(content.response) };
}
