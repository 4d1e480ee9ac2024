// The one small event the request path hands the distillation monitor after a call: what it already
// holds (principal, route, decision, usage) and a reference to the prompt; reading the prompt is left
// to the monitor, off the request path. Pure.
import type { Decision, DistillationEvent, Principal, ModelRoute } from '../core/contracts.js';

/** Licence classes whose terms forbid training on the outputs. */
const RESTRICTED = new Set(['never', 'not-for-competing-models']);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function distillationEvent(args: { decision: Decision; principal: Principal; purpose: string; route: ModelRoute; prompt: unknown[]; body: Record<string, unknown>; outputTokens: number; refusedForTraining: boolean }): DistillationEvent {
  const { body, route } = args;
  return {
    decisionId: args.decision.id,
    time: Date.now(),
    principal: args.principal,
    purpose: args.purpose,
    provider: route.providerId,
    model: route.name,
    version: route.revision ? `${route.upstreamModel}@${route.revision}` : route.upstreamModel,
    restricted: route.external && RESTRICTED.has(args.decision.training.licence_class),
    prompt: args.prompt,
    maxTokens: num(body.max_tokens) ?? num(body.max_completion_tokens) ?? num(body.max_output_tokens),
    n: num(body.n) ?? 1,
    temperature: num(body.temperature),
    reasoningParam: body.reasoning_effort !== undefined || body.reasoning !== undefined || body.thinking !== undefined,
    outputTokens: args.outputTokens,
    refusedForTraining: args.refusedForTraining,
  };
}
