// The distillation-signature monitor. The request path hands it one small event per call (observe: a
// push onto a bounded queue); the signals are computed later, on later event-loop turns of at most
// TURN_MS each, and each scope's risk is kept ready for the next call's policy input (risk: three map reads).
import type { DistillationEvent, DistillationRisk, DistillationWatch, Principal, RiskLevel } from '../core/contracts.js';
import { elicitsReasoning } from './elicitation.js';
import { bandKeys, signature, textHash } from './minhash.js';
import { promptText } from './prompt-text.js';
import { Refusals } from './refusals.js';
import { Releases } from './releases.js';
import { ScopeState, type CallShape, type ScopeRisk } from './scope-state.js';
import { SharedTemplates, SHARED_BY } from './shared-templates.js';
import { skeleton } from './skeleton.js';

/** Output limits and lengths that only bulk generation asks for. */
export const HIGH_MAX_TOKENS = 4000;
export const LONG_OUTPUT_TOKENS = 1500;
/** Work per event-loop turn: the monitor yields after this much, so calls in flight are never held up long. */
const TURN_MS = 2;
const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
/** Prompt texts whose band keys are kept (a templated app or a retry repeats a prompt exactly), and the longest kept: at most 4 MB. */
const BANDS_CACHE_ENTRIES = 1024;
const BANDS_CACHE_MAX_CHARS = 4096;

export interface Clearance {
  scope: string;
  until: number;
  changeId: string;
  by: string;
  reason: string;
}

export interface MonitorOptions {
  /** A scope's level changed (recorded in the audit log by the composition root). */
  onLevelChange?: (risk: ScopeRisk, before: RiskLevel) => void;
  /** Events waiting beyond this are dropped (and counted): the request path never waits on the monitor. */
  maxQueue?: number;
  now?: () => number;
}

export function scopesOf(p: Pick<Principal, 'keyId' | 'project' | 'team'>): string[] {
  return [`key:${p.keyId}`, `project:${p.project}`, `team:${p.team}`];
}

export class DistillationMonitor implements DistillationWatch {
  readonly #scopes = new Map<string, ScopeState>();
  readonly #shared = new SharedTemplates();
  readonly #releases = new Releases();
  readonly #refusals = new Refusals();
  readonly #clearances = new Map<string, Clearance>();
  readonly #bandsByText = new Map<string, number[]>();
  #queue: DistillationEvent[] = [];
  #scheduled = false;
  #idle: Array<() => void> = [];
  readonly #opts: MonitorOptions;
  readonly #now: () => number;
  dropped = 0;
  processed = 0;

  constructor(opts: MonitorOptions = {}) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  observe(event: DistillationEvent): void {
    if (this.#queue.length >= (this.#opts.maxQueue ?? 10_000)) {
      this.dropped++;
      return;
    }
    this.#queue.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /** Resolves once every event observed so far has been processed. */
  settled(): Promise<void> {
    if (this.#queue.length === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #drain(): void {
    const start = performance.now();
    let done = 0;
    while (done < this.#queue.length && performance.now() - start < TURN_MS) this.process(this.#queue[done++]);
    this.#queue.splice(0, done);
    if (this.#queue.length > 0) {
      setImmediate(() => this.#drain());
      return;
    }
    this.#scheduled = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Computes one call's signals into its key, project, team and provider scopes (synchronous; the evaluation drives it directly). */
  process(e: DistillationEvent): void {
    this.processed++;
    const text = promptText(e.prompt);
    const exact = textHash(text);
    const bands = this.#bandsOf(text);
    const keyId = e.principal.keyId;
    if (e.refusedForTraining) {
      // A refused call served nothing; it is remembered only to recognise its prompts later.
      this.#refusals.remember(keyId, exact, bands, e.time);
      return;
    }
    const shape: CallShape = {
      decisionId: e.decisionId,
      time: e.time,
      restricted: e.restricted,
      bands,
      exact,
      temperature: e.temperature,
      reasoning: e.reasoningParam || elicitsReasoning(text),
      bulk: e.n > 1 || (e.maxTokens ?? 0) >= HIGH_MAX_TOKENS || e.outputTokens >= LONG_OUTPUT_TOKENS,
      coordinated: this.#shared.note(bands, keyId) >= SHARED_BY,
      afterRelease: this.#releases.note(e.model, e.version, e.time),
      laundering: e.restricted && this.#refusals.matches(keyId, exact, bands, e.time),
    };
    for (const scope of [...scopesOf(e.principal), `provider:${e.provider}`]) {
      const state = this.#state(scope);
      const before = state.risk.level;
      const after = state.observe(shape);
      if (after.level !== before) this.#opts.onLevelChange?.(after, before);
    }
  }

  /** The prompt's band keys: the skeleton and its MinHash are most of an event's cost, and a repeated prompt has the same ones. */
  #bandsOf(text: string): number[] {
    const known = this.#bandsByText.get(text);
    if (known) return known;
    const bands = bandKeys(signature(skeleton(text)));
    if (text.length <= BANDS_CACHE_MAX_CHARS) {
      // The oldest entry goes first (a Map keeps insertion order).
      if (this.#bandsByText.size >= BANDS_CACHE_ENTRIES) this.#bandsByText.delete(this.#bandsByText.keys().next().value as string);
      this.#bandsByText.set(text, bands);
    }
    return bands;
  }

  /** Re-scores every scope at `now`, so risk decays as calls leave the window. */
  rescoreAll(now = this.#now()): void {
    for (const state of this.#scopes.values()) {
      const before = state.risk.level;
      const after = state.rescore(now);
      if (after.level !== before) this.#opts.onLevelChange?.(after, before);
    }
  }

  risk(principal: Principal): DistillationRisk | undefined {
    const now = this.#now();
    let worst: DistillationRisk | undefined;
    let worstCleared: DistillationRisk | undefined;
    for (const scope of scopesOf(principal)) {
      const r = this.#scopes.get(scope)?.risk;
      if (!r) continue;
      const cleared = this.cleared(scope, now);
      const view: DistillationRisk = { level: r.level, score: r.score, scope, signals: r.signals.map((s) => s.name), cleared };
      if (cleared) {
        if (!worstCleared || r.score > worstCleared.score) worstCleared = view;
      } else if (!worst || r.score > worst.score) worst = view;
    }
    // A clearance lifts its own scope only: the worst scope that is not cleared decides, unless it is lower.
    if (worst && (!worstCleared || RANK[worst.level] >= RANK[worstCleared.level])) return worst;
    return worstCleared ?? worst;
  }

  cleared(scope: string, now = this.#now()): boolean {
    const c = this.#clearances.get(scope);
    return c !== undefined && c.until > now;
  }

  clear(c: Clearance): void {
    this.#clearances.set(c.scope, c);
  }

  clearances(now = this.#now()): Clearance[] {
    return [...this.#clearances.values()].filter((c) => c.until > now);
  }

  /** Every scope's risk, highest first. */
  list(): ScopeRisk[] {
    return [...this.#scopes.values()].map((s) => s.risk).sort((a, b) => b.score - a.score || a.scope.localeCompare(b.scope));
  }

  get(scope: string): ScopeRisk | undefined {
    return this.#scopes.get(scope)?.risk;
  }

  /** How many scopes of each kind stand at each level, for the metric. */
  levelCounts(): { kind: string; level: RiskLevel; count: number }[] {
    const counts = new Map<string, number>();
    for (const s of this.#scopes.values()) {
      const key = `${s.scope.slice(0, s.scope.indexOf(':'))}\t${s.risk.level}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, count]) => {
      const [kind, level] = k.split('\t') as [string, RiskLevel];
      return { kind, level, count };
    });
  }

  stats(): { queued: number; dropped: number; processed: number; scopes: number } {
    return { queued: this.#queue.length, dropped: this.dropped, processed: this.processed, scopes: this.#scopes.size };
  }

  #state(scope: string): ScopeState {
    let s = this.#scopes.get(scope);
    if (!s) this.#scopes.set(scope, (s = new ScopeState(scope)));
    return s;
  }
}
