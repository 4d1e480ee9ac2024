// JSON Schemas of the policy's input and of both decisions; the engine checks every decision against
// them (a malformed decision is a failed evaluation) and policies/README.md documents the same shapes.
import { DUTY_KINDS, DUTY_TRIGGERS } from './data/catalogue-schema.js';

const reason = {
  type: 'object',
  required: ['rule', 'message'],
  additionalProperties: false,
  properties: {
    rule: { type: 'string', minLength: 1 },
    message: { type: 'string' },
    clause: {
      type: 'object',
      required: ['licence', 'section', 'text', 'url'],
      additionalProperties: false,
      properties: {
        licence: { type: 'string' },
        section: { type: 'string' },
        text: { type: 'string' },
        url: { type: 'string' },
      },
    },
  },
} as const;

const strings = { type: 'array', items: { type: 'string' } } as const;

export const requestDecisionSchema = {
  type: 'object',
  required: ['allow', 'reasons', 'obligations'],
  additionalProperties: false,
  properties: {
    allow: { type: 'boolean' },
    reasons: { type: 'array', items: reason },
    obligations: {
      type: 'object',
      required: ['watermark', 'content_logging', 'redactions'],
      additionalProperties: false,
      properties: {
        watermark: { type: 'boolean' },
        content_logging: { enum: ['full', 'redacted', 'digest'] },
        redactions: strings,
        mask: strings,
        warnings: strings,
      },
    },
  },
} as const;

const duty = {
  type: 'object',
  required: ['kind', 'text', 'trigger'],
  additionalProperties: false,
  properties: {
    kind: { enum: DUTY_KINDS },
    text: { type: 'string' },
    trigger: { enum: DUTY_TRIGGERS },
    prefix: { type: 'string' },
  },
} as const;

export const trainingDecisionSchema = {
  type: 'object',
  required: ['permit', 'licence', 'licence_class', 'attribution', 'naming', 'duties', 'inherited_restrictions', 'reasons'],
  additionalProperties: false,
  properties: {
    permit: { type: 'boolean' },
    licence: { type: 'string' },
    licence_class: { type: 'string' },
    attribution: strings,
    naming: strings,
    duties: { type: 'array', items: duty },
    inherited_restrictions: {
      type: 'object',
      required: ['forbidden_deployment_purposes', 'use_restrictions'],
      additionalProperties: false,
      properties: { forbidden_deployment_purposes: strings, use_restrictions: strings },
    },
    reasons: { type: 'array', items: reason },
  },
} as const;

export const policyInputSchema = {
  type: 'object',
  required: ['principal', 'purpose', 'endpoint', 'route', 'data_classes', 'data_class_counts', 'data_class_paths', 'stream', 'now', 'distillation'],
  additionalProperties: false,
  properties: {
    principal: {
      type: 'object',
      required: ['key_id', 'team', 'project', 'default_purpose', 'allowed_purposes'],
      additionalProperties: false,
      properties: {
        key_id: { type: 'string' },
        team: { type: 'string' },
        project: { type: 'string' },
        default_purpose: { type: 'string' },
        allowed_purposes: strings,
      },
    },
    purpose: { type: 'string' },
    endpoint: { enum: ['chat.completions', 'responses', 'completions', 'embeddings', 'messages', 'models'] },
    route: {
      type: 'object',
      required: ['model', 'provider', 'provider_kind', 'external', 'upstream_model', 'revision', 'licence'],
      additionalProperties: false,
      properties: {
        model: { type: 'string' },
        provider: { type: 'string' },
        provider_kind: { enum: ['openai', 'anthropic', 'openai-compatible', 'gemini', 'azure-openai', 'bedrock'] },
        external: { type: 'boolean' },
        upstream_model: { type: 'string' },
        revision: { type: 'string' },
        licence: { type: 'string' },
      },
    },
    data_classes: strings,
    data_class_counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    data_class_paths: { type: 'object', additionalProperties: strings },
    stream: { type: 'boolean' },
    now: { type: 'string', format: 'date-time' },
    distillation: {
      type: 'object',
      required: ['level', 'score', 'scope', 'signals', 'cleared'],
      additionalProperties: false,
      properties: {
        level: { enum: ['low', 'medium', 'high'] },
        score: { type: 'integer', minimum: 0, maximum: 100 },
        scope: { type: 'string' },
        signals: strings,
        cleared: { type: 'boolean' },
      },
    },
  },
} as const;
