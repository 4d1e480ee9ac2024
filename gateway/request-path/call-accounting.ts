// What a call counts once answered, off the answer's path: its cost against budgets, its tokens against
// rate limits, its event for the distillation monitor. A failure to count is logged, never the caller's.
import type { ParsedRequest, CollectedOutput } from '../dialects/types.js';
import type { Call } from './call.js';
import type { RequestPathDeps } from './deps.js';
import { distillationEvent } from './distillation-event.js';
import type { BudgetRefusal } from '../limits/budgets.js';

type Usage = CollectedOutput['usage'];

/** Output tokens held for a call that names no bound of its own: a long answer, not the longest. */
const OUTPUT_HELD_DEFAULT = 1024;

/** The most output tokens the call asks for (max_tokens, max_completion_tokens or max_output_tokens). */
function outputAskedFor(body: Record<string, unknown>): number {
  for (const field of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const n = body[field];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) return n;
  }
  return OUTPUT_HELD_DEFAULT;
}

export class CallAccounting {
  readonly #d: RequestPathDeps;

  constructor(deps: RequestPathDeps) {
    this.#d = deps;
  }

  /** The call's cost at its model's prices, or null (no usage, no price, no catalogue). */
  cost(call: Call, usage: Usage): number | null {
    return usage && call.route && this.#d.spend ? this.#d.spend.prices.cost(call.route.name, usage) : null;
  }

  /**
   * Holds the call's estimated cost against its key's and team's budgets while it is in flight: its input
   * estimate and the most output it asks for (OUTPUT_HELD_DEFAULT tokens when it names no bound), at its
   * model's prices. The refusal when what is spent and held already reaches a budget; null to go ahead.
   */
  holdSpend(call: Call, body: Record<string, unknown>): BudgetRefusal | null {
    if (!this.#d.spend || !call.route) return null;
    const usd = this.#d.spend.prices.cost(call.route.name, { input_tokens: call.tokenEstimate, output_tokens: outputAskedFor(body) }) ?? 0;
    const held = this.#d.spend.budgets.hold(call.principal!, usd);
    if (held && 'refusal' in held) return held.refusal;
    call.releaseSpend = held?.release ?? null;
    return null;
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
