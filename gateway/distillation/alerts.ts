// Webhook alerts: when a scope's risk rises to a hook's level (from below it), the hook receives a JSON
// POST with the scope, levels, score and signals (names, strengths, example decision ids): never a key,
// a token or prompt text. Sent off the request path, once, with a timeout; a failure is logged.
import { fetch, type Dispatcher } from 'undici';
import type { RiskLevel } from '../core/contracts.js';
import { shownUrl } from '../core/shown-url.js';
import type { ScopeRisk } from './scope-state.js';

export interface RiskWebhook {
  url: string;
  level: 'medium' | 'high';
  /** Bearer token sent with each alert (read from the environment by the composition root). */
  token?: string;
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
const TIMEOUT_MS = 5_000;

export function alertBody(risk: ScopeRisk, before: RiskLevel): Record<string, unknown> {
  return {
    scope: risk.scope,
    level: risk.level,
    before,
    score: risk.score,
    calls: risk.calls,
    signals: risk.signals.map((s) => ({ name: s.name, strength: s.strength, value: s.value, meaning: s.meaning, examples: s.examples })),
    time: new Date(risk.updated).toISOString(),
  };
}

export class RiskAlerts {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly hooks: RiskWebhook[],
    private readonly log: { warn(obj: object, msg: string): void },
    /** How webhooks are reached (the egress proxy rules); undici's default when absent. */
    private readonly dispatcher?: Dispatcher,
  ) {}

  notify(risk: ScopeRisk, before: RiskLevel): void {
    for (const hook of this.hooks) {
      if (!(RANK[risk.level] >= RANK[hook.level] && RANK[before] < RANK[hook.level])) continue;
      const sent = this.#post(hook, alertBody(risk, before)).finally(() => this.#pending.delete(sent));
      this.#pending.add(sent);
    }
  }

  /** Resolves once every alert sent so far has been delivered or has failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #post(hook: RiskWebhook, body: Record<string, unknown>): Promise<void> {
    try {
      const res = await fetch(hook.url, {
        dispatcher: this.dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(hook.token ? { authorization: `Bearer ${hook.token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (!res.ok) this.log.warn({ url: shownUrl(hook.url, { path: false }), status: res.status, scope: body.scope }, 'distillation alert refused by its webhook');
    } catch (err) {
      this.log.warn({ url: shownUrl(hook.url, { path: false }), err: (err as Error).message, scope: body.scope }, 'distillation alert could not be delivered');
    }
  }
}
