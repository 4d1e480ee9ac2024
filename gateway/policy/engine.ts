// One loaded revision: the WASM policy instance with its data set once, evaluated synchronously per call.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { Ajv } from 'ajv';
import { LRUCache } from 'lru-cache';
import type { CallFacts, RequestDecision, TrainingDecision } from '../core/contracts.js';
import { buildPolicyInput } from './input.js';
import { requestDecisionSchema, trainingDecisionSchema } from './schemas.js';

type LoadedPolicy = Awaited<ReturnType<typeof loadPolicy>>;

export const REQUEST_ENTRYPOINT = 'termsgate/request/decision';
export const TRAINING_ENTRYPOINT = 'termsgate/training/decision';
/** Optional entrypoint returning both decisions, so a call crosses into WASM once. */
export const COMBINED_ENTRYPOINT = 'termsgate/decision';

const ajv = new Ajv({ strict: true });
const validRequest = ajv.compile<RequestDecision>(requestDecisionSchema);
const validTraining = ajv.compile<TrainingDecision>(trainingDecisionSchema);
const encoder = new TextEncoder();

export interface PolicyDecisionResult {
  revision: string;
  request: RequestDecision;
  training: TrainingDecision;
}

export class PolicyEvaluationError extends Error {}

export interface EngineOptions {
  /**
   * Reuse the decision for an identical input (the time aside). Only sound when the rules never read
   * input.now, which the store checks from the sources; decisions are frozen so no caller can alter a shared one.
   */
  memoize?: boolean;
}

const MEMO_ENTRIES = 10_000;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class PolicyEngine {
  readonly #policy: LoadedPolicy;
  readonly #combined: number | undefined;
  readonly #request: number;
  readonly #training: number;
  readonly #memo: LRUCache<string, PolicyDecisionResult> | null;

  private constructor(
    readonly revision: string,
    policy: LoadedPolicy,
    opts: EngineOptions,
  ) {
    this.#policy = policy;
    this.#memo = opts.memoize ? new LRUCache({ max: MEMO_ENTRIES }) : null;
    const eps = policy.entrypoints as Record<string, number>;
    if (eps[REQUEST_ENTRYPOINT] === undefined || eps[TRAINING_ENTRYPOINT] === undefined) {
      throw new PolicyEvaluationError(`bundle lacks entrypoint ${REQUEST_ENTRYPOINT} or ${TRAINING_ENTRYPOINT}`);
    }
    this.#request = eps[REQUEST_ENTRYPOINT];
    this.#training = eps[TRAINING_ENTRYPOINT];
    this.#combined = eps[COMBINED_ENTRYPOINT];
  }

  /** Instantiates the WASM module and loads its data once; later calls only pass input. */
  static async load(revision: string, wasm: Uint8Array, data: unknown, opts: EngineOptions = {}): Promise<PolicyEngine> {
    const policy = await loadPolicy(wasm);
    policy.setData(data as object);
    return new PolicyEngine(revision, policy, opts);
  }

  /** Both decisions for one call. Throws PolicyEvaluationError when the policy cannot decide. */
  decide(facts: CallFacts): PolicyDecisionResult {
    const policyInput = buildPolicyInput(facts);
    if (!this.#memo) return this.#evaluate(JSON.stringify(policyInput));
    const now = policyInput.now;
    policyInput.now = '';
    const key = JSON.stringify(policyInput);
    const hit = this.#memo.get(key);
    if (hit) return hit;
    policyInput.now = now;
    const result = deepFreeze(this.#evaluate(JSON.stringify(policyInput)));
    this.#memo.set(key, result);
    return result;
  }

  #evaluate(json: string): PolicyDecisionResult {
    const input = encoder.encode(json).buffer as ArrayBuffer;
    let request: unknown;
    let training: unknown;
    if (this.#combined !== undefined) {
      const both = this.#result(input, this.#combined) as { request?: unknown; training?: unknown } | undefined;
      request = both?.request;
      training = both?.training;
    } else {
      request = this.#result(input, this.#request);
      training = this.#result(input, this.#training);
    }
    if (!validRequest(request)) throw new PolicyEvaluationError(`malformed request decision: ${ajv.errorsText(validRequest.errors)}`);
    if (!validTraining(training)) throw new PolicyEvaluationError(`malformed training decision: ${ajv.errorsText(validTraining.errors)}`);
    return { revision: this.revision, request, training };
  }

  #result(input: ArrayBuffer, entrypoint: number): unknown {
    let rs: unknown;
    try {
      rs = this.#policy.evaluate(input, entrypoint);
    } catch (err) {
      throw new PolicyEvaluationError(`evaluation failed: ${String(err)}`);
    }
    if (!Array.isArray(rs) || rs.length !== 1) throw new PolicyEvaluationError('the policy produced no decision (undefined entrypoint result)');
    return (rs[0] as { result?: unknown }).result;
  }
}
