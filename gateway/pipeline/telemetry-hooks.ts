// What the request path reports to telemetry. The telemetry module implements it; the no-op
// default costs one call per stage and allocates nothing.
import type { Endpoint, Usage } from './contracts.js';

export interface StageSpan {
  end(error?: Error): void;
}

export interface CallTelemetry {
  stage(name: 'policy' | 'upstream' | 'audit' | 'feed'): StageSpan;
  setDecision(d: { decision: 'allow' | 'deny'; revision: string | null; trainable: boolean }): void;
  setUsage(u: Usage): void;
  end(r: { status: number; error?: Error }): void;
}

export interface CallTelemetryHooks {
  startCall(a: { endpoint: Endpoint; model: string; provider: string; stream: boolean }): CallTelemetry;
}

const noSpan: StageSpan = { end() {} };
const noCall: CallTelemetry = { stage: () => noSpan, setDecision() {}, setUsage() {}, end() {} };
export const noTelemetry: CallTelemetryHooks = { startCall: () => noCall };
