// The policy input: CallFacts reshaped into the snake_case document the Rego rules read
// (documented as JSON Schema in policies/README.md). Pure.
import type { CallFacts } from '../core/contracts.js';

export interface PolicyInput {
  principal: { key_id: string; team: string; project: string; default_purpose: string; allowed_purposes: string[] };
  purpose: string;
  endpoint: string;
  route: { model: string; provider: string; provider_kind: string; external: boolean; upstream_model: string; revision: string; licence: string };
  data_classes: string[];
  data_class_counts: Record<string, number>;
  data_class_paths: Record<string, string[]>;
  stream: boolean;
  now: string;
  /** The caller's worst distillation risk (key, project or team), computed off the request path; low when nothing is known. */
  distillation: { level: string; score: number; scope: string; signals: string[]; cleared: boolean };
}

const NO_RISK = { level: 'low', score: 0, scope: '', signals: [], cleared: false };

export function buildPolicyInput(facts: CallFacts): PolicyInput {
  const { principal: p, route: r } = facts;
  return {
    principal: {
      key_id: p.keyId,
      team: p.team,
      project: p.project,
      default_purpose: p.defaultPurpose,
      allowed_purposes: p.allowedPurposes,
    },
    purpose: facts.purpose,
    endpoint: facts.endpoint,
    route: {
      model: r.name,
      provider: r.providerId,
      provider_kind: r.providerKind,
      external: r.external,
      upstream_model: r.upstreamModel,
      revision: r.revision ?? '',
      licence: r.licence,
    },
    data_classes: facts.dataClasses.classes,
    data_class_counts: facts.dataClasses.counts,
    data_class_paths: facts.dataClasses.paths ?? {},
    stream: facts.stream,
    now: facts.now,
    // The score is whole: a decision memoized for one score serves the calls at the same score.
    distillation: facts.distillation ? { ...facts.distillation, score: Math.round(facts.distillation.score) } : NO_RISK,
  };
}
