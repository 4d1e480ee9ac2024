// What a call counts once answered, off the answer's path: its cost against budgets, its tokens against
// rate limits, its event for the distillation monitor. A failure to count is logged, never the caller's.
import type { ParsedRequest, CollectedOutput } from '../dialects/types.js';
import type { Call } from './call.js';
import type { RequestPathDeps } from './deps.js';
import { distillationEvent } from './distillation-event.js';

type Usage = CollectedOutput['usage'];

export class CallAccounting {
  readonly #d: RequestPathDeps;

  constructor(deps: RequestPathDeps) {
    this.#d = deps;
  }

  /** The call's cost at its model's prices, or null (no usage, no price, no catalogue). */
  cost(call: Call, usage: Usage): number | null {
    return usage && call.route && this.#d.spend ? this.#d.spend.prices.cost(call.route.name, usage) : null;
  }

  /** Counted once recorded, so the spend counted is the sum of the recorded costs. */
  countSpend(call: Call, usd: number | null, usage: Usage): void {
    if (usd === null || !usage || !this.#d.spend) return;
    call.tel.recordSpend(call.principal!.team, usd, usage);
    this.#d.spend.budgets.record(call.principal!, usd).catch((err: unknown) => this.#d.log.warn({ err, decision_id: call.id }, 'counting spend failed'));
  }

  /** Corrects the tokens estimated before the call by the usage the provider reported. */
  settleTokens(call: Call, actual: number): void {
    this.#d.limits?.settleTokens(call.principal!, call.tokenEstimate, actual).catch((err: unknown) => this.#d.log.warn({ err, decision_id: call.id }, 'rate limit correction failed'));
  }

  /** Hands the monitor its event: a push onto its queue, nothing computed here. */
  observe(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, outputTokens: number, refusedForTraining: boolean): void {
    if (!this.#d.distillation) return;
    this.#d.distillation.observe(distillationEvent({ decision: call.decision!, principal: call.principal!, purpose: call.purpose, route: call.route!, prompt: parsed.prompt, body, outputTokens, refusedForTraining }));
  }
}
