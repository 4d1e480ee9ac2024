// Telemetry switched off: shared singletons, so a call allocates nothing and records nothing.
import type { CallTelemetry, LogTraceFields, StageTelemetry, Telemetry } from './types.js';

/** A fresh object each time: pino merges each log line's fields into what its mixin returns. */
export const noTraceFields = (): LogTraceFields => ({});

export const NOOP_STAGE: StageTelemetry = Object.freeze({ end() {} });

export const NOOP_CALL: CallTelemetry = Object.freeze({
  setRoute() {},
  setStream() {},
  stage: () => NOOP_STAGE,
  setDecision() {},
  setUsage() {},
  recordSpend() {},
  budgetWarning() {},
  firstToken() {},
  end() {},
  run: <T>(fn: () => T): T => fn(),
  logFields: noTraceFields,
});

export const NOOP_TELEMETRY: Telemetry = Object.freeze({
  enabled: false,
  tracing: false,
  startCall: () => NOOP_CALL,
  recordPolicyEval() {},
  recordAuditCommit() {},
  setFeedLag() {},
  setDistillationScopes() {},
  logMixin: noTraceFields,
  prometheusText: async () => null,
  shutdown: async () => {},
});
