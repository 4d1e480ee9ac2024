// One loaded revision: the WASM policy instance with its data set once, evaluated synchronously per call.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { Ajv } from 'ajv';
import type { CallFacts, RequestDecision, TrainingDecision } from '../pipeline/contracts.js';
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

export class PolicyEngine {
  readonly #policy: LoadedPolicy;
  readonly #combined: number | undefined;
  readonly #request: number;
  readonly #training: number;

  private constructor(
    readonly revision: string,
    policy: LoadedPolicy,
  ) {
    this.#policy = policy;
    const eps = policy.entrypoints as Record<string, number>;
    if (eps[REQUEST_ENTRYPOINT] === undefined || eps[TRAINING_ENTRYPOINT] === undefined) {
      throw new PolicyEvaluationError(`bundle lacks entrypoint ${REQUEST_ENTRYPOINT} or ${TRAINING_ENTRYPOINT}`);
    }
    this.#request = eps[REQUEST_ENTRYPOINT];
    this.#training = eps[TRAINING_ENTRYPOINT];
    this.#combined = eps[COMBINED_ENTRYPOINT];
  }

  /** Instantiates the WASM module and loads its data once; later calls only pass input. */
  static async load(revision: string, wasm: Uint8Array, data: unknown): Promise<PolicyEngine> {
    const policy = await loadPolicy(wasm);
    policy.setData(data as object);
    return new PolicyEngine(revision, policy);
  }

  /** Both decisions for one call. Throws PolicyEvaluationError when the policy cannot decide. */
  decide(facts: CallFacts): PolicyDecisionResult {
    const input = encoder.encode(JSON.stringify(buildPolicyInput(facts))).buffer as ArrayBuffer;
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
