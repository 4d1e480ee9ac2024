// Telemetry switched off: shared singletons, so a call allocates nothing and records nothing.
import type { CallTelemetry, LogTraceFields, StageTelemetry, Telemetry } from './types.js';

export const NO_TRACE_FIELDS: LogTraceFields = Object.freeze({});

export const NOOP_STAGE: StageTelemetry = Object.freeze({ end() {} });

export const NOOP_CALL: CallTelemetry = Object.freeze({
  setRoute() {},
  stage: () => NOOP_STAGE,
  setDecision() {},
  setUsage() {},
  end() {},
  run: <T>(fn: () => T): T => fn(),
  logFields: () => NO_TRACE_FIELDS,
});

export const NOOP_TELEMETRY: Telemetry = Object.freeze({
  enabled: false,
  tracing: false,
  startCall: () => NOOP_CALL,
  recordPolicyEval() {},
  recordAuditCommit() {},
  setFeedLag() {},
  logMixin: () => NO_TRACE_FIELDS,
  prometheusText: async () => null,
  shutdown: async () => {},
});
