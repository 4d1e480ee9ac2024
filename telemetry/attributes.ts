// Attribute and metric names. The GenAI ones follow the OpenTelemetry semantic conventions; they are
// still "incubating" there, and the conventions ask users to copy such names rather than import them.
import type { Endpoint, ProviderKind } from '../gateway/core/contracts.js';
import { CALL_ERROR_TYPES, type CallErrorType } from '../gateway/core/errors.js';

export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

export const ATTR_TERMSGATE_ENDPOINT = 'termsgate.endpoint';
export const ATTR_TERMSGATE_STREAM = 'termsgate.stream';
export const ATTR_TERMSGATE_PROVIDER = 'termsgate.provider';
export const ATTR_TERMSGATE_DECISION = 'termsgate.decision';
export const ATTR_TERMSGATE_DECISION_ID = 'termsgate.decision.id';
export const ATTR_TERMSGATE_POLICY_REVISION = 'termsgate.policy.revision';
export const ATTR_TERMSGATE_TRAINABLE = 'termsgate.trainable';

export const METRIC_CALLS = 'termsgate.calls';
export const METRIC_CALL_DURATION = 'termsgate.call.duration';
export const METRIC_TOKENS = 'termsgate.tokens';
export const METRIC_GEN_AI_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_SERVER_REQUEST_DURATION = 'gen_ai.server.request.duration';
export const METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN = 'gen_ai.server.time_to_first_token';
export const METRIC_POLICY_EVAL = 'termsgate.policy.evaluation.duration';
export const METRIC_AUDIT_COMMIT = 'termsgate.audit.commit.duration';
export const METRIC_FEED_LAG = 'termsgate.feed.lag';
export const METRIC_DISTILLATION_SCOPES = 'termsgate.distillation.scopes';
export const METRIC_SPEND = 'termsgate.spend';
export const METRIC_TEAM_TOKENS = 'termsgate.team.tokens';
export const METRIC_BUDGET_WARNINGS = 'termsgate.budget.warnings';

/** gen_ai.operation.name for each endpoint; `models` is not an inference operation. */
export function operationName(endpoint: Endpoint): string | undefined {
  switch (endpoint) {
    case 'chat.completions':
    case 'messages':
    case 'responses':
      return 'chat';
    case 'completions':
      return 'text_completion';
    case 'embeddings':
      return 'embeddings';
    case 'models':
      return undefined;
  }
}

/**
 * gen_ai.provider.name (which replaces the deprecated gen_ai.system): the well-known value for hosted APIs,
 * the provider id for self-hosted ones (e.g. "vllm").
 */
export function genAiProviderName(kind: ProviderKind, providerId: string): string {
  if (kind === 'gemini') return 'gcp.gemini';
  if (kind === 'azure-openai') return 'azure.ai.openai';
  if (kind === 'bedrock') return 'aws.bedrock';
  return kind === 'openai-compatible' ? safeIdentifier(providerId) : kind;
}

const ERROR_TYPES: ReadonlySet<string> = new Set(CALL_ERROR_TYPES);

/** The types forbid anything else; this also holds for callers that cast. */
export function errorType(error: CallErrorType): string {
  return ERROR_TYPES.has(error) ? error : 'other';
}

const IDENTIFIER = /^[A-Za-z0-9/][A-Za-z0-9._:/@+-]{0,127}$/;

/** Route patterns, model and provider ids, revisions: anything that is not a short identifier is dropped. */
export function safeIdentifier(value: string): string {
  return IDENTIFIER.test(value) ? value : 'invalid';
}
