// Rate limits per virtual key and per team: requests per minute, and tokens per minute (input tokens
// estimated before the call, corrected from the provider's usage after). Counting is
// rate-limiter-flexible's: in memory on one node; in PostgreSQL for a fleet, where the call does not wait
// for the count (a round trip would cost more than the rest of the gateway's work): it is admitted by
// what the shared store last answered for its key and team, and once the store says a limit is reached,
// every call of that key or team is refused locally until the window ends. So a fleet may let through the
// calls that arrive while the count that reaches the limit is on its way (one round trip). A PostgreSQL
// failure falls back to counting in this process's memory rather than refusing every call.
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { KeyLimits, Principal } from '../core/contracts.js';
import { underAdvisoryLock } from '../core/pg-advisory-lock.js';

const MINUTE_S = 60;
const TABLE = 'rate_limits';
const LOCK_KEY = 0x7467_726c; // "tgrl": replicas starting together create the table one at a time

/** A refusal: what to tell the caller, and when to come back. */
export interface RateRefusal {
  message: string;
  retryAfterS: number;
}

export interface RateLimitOptions {
  /** Limits of whole teams (every key of the team together). */
  teams: Record<string, KeyLimits>;
  /** Counters shared by a fleet; absent: this process's memory. */
  pool?: pg.Pool;
  /** The counting window in seconds, a minute; tests shorten it to see a limit recover. */
  windowS?: number;
  /** A shared count that failed for another reason than a reached limit. */
  onError?: (err: unknown) => void;
}

type Kind = 'rpm' | 'tpm';

export class RateLimits {
  readonly #limiters = new Map<string, RateLimiterAbstract>();
  readonly #teams: Record<string, KeyLimits>;
  readonly #pool?: pg.Pool;
  readonly #windowS: number;
  readonly #onError: (err: unknown) => void;
  /** Fleet: the limits the shared store said are reached, until when (ms since the epoch), by limiter slot. */
  readonly #blockedUntil = new Map<string, number>();

  private constructor(opts: RateLimitOptions) {
    this.#onError = opts.onError ?? (() => {});
    this.#teams = opts.teams;
    this.#pool = opts.pool;
    this.#windowS = opts.windowS ?? MINUTE_S;
  }

  /** With a pool, its table is created before the first call. */
  static async open(opts: RateLimitOptions): Promise<RateLimits> {
    if (opts.pool) {
      // The library creates its table with CREATE TABLE IF NOT EXISTS, which is not safe against itself
      // (two replicas can both pass its check and one fail on the row type): run it under an advisory lock.
      await underAdvisoryLock(opts.pool, LOCK_KEY, (client) =>
        new Promise<void>((resolve, reject) => new RateLimiterPostgres({ storeClient: client, storeType: 'client', tableName: TABLE, points: 1, duration: MINUTE_S }, (err?: Error) => (err ? reject(err) : resolve()))),
      );
    }
    return new RateLimits(opts);
  }

  /** Whether the principal (a key, and its team) limits anything: the call's fast path when not. */
  limited(p: Principal): boolean {
    return p.limits !== undefined || this.#teams[p.team] !== undefined;
  }

  /** One request against the requests-per-minute of the key and of its team. */
  admitRequest(p: Principal): Promise<RateRefusal | null> | null {
    if (!this.limited(p)) return null;
    return this.#take(p, 'rpm', 1);
  }

  /** The call's estimated input tokens against the tokens-per-minute of the key and of its team. */
  admitTokens(p: Principal, estimate: number): Promise<RateRefusal | null> | null {
    if (!this.limited(p)) return null;
    return this.#take(p, 'tpm', Math.max(1, estimate));
  }

  /** Corrects the count once the provider's usage is known (tokens in and out, less the estimate taken). */
  async settleTokens(p: Principal, estimate: number, actual: number): Promise<void> {
    const delta = actual - Math.max(1, estimate);
    if (delta === 0 || !this.limited(p)) return;
    for (const [who, limit] of this.#subjects(p, 'tpm')) {
      const limiter = this.#limiter('tpm', limit);
      const res = await (delta > 0 ? limiter.penalty(who, delta) : limiter.reward(who, -delta));
      // A correction past the limit blocks the key or team in a fleet as a refused count would.
      if (this.#pool && res.consumedPoints > limit) this.#blockedUntil.set(`tpm${limit}:${who}`, Date.now() + res.msBeforeNext);
    }
  }

  #subjects(p: Principal, kind: Kind): Array<[string, number]> {
    const field = kind === 'rpm' ? 'requestsPerMinute' : 'tokensPerMinute';
    const out: Array<[string, number]> = [];
    const own = p.limits?.[field];
    if (own !== undefined) out.push([`key:${p.keyId}`, own]);
    const team = this.#teams[p.team]?.[field];
    if (team !== undefined) out.push([`team:${p.team}`, team]);
    return out;
  }

  async #take(p: Principal, kind: Kind, points: number): Promise<RateRefusal | null> {
    for (const [who, limit] of this.#subjects(p, kind)) {
      const what = kind === 'rpm' ? 'requests' : 'tokens';
      const whose = who.startsWith('key:') ? `virtual key ${p.keyId}` : `team ${p.team}`;
      if (points > limit) return { message: `this call's estimated ${points} input tokens exceed the ${limit} tokens per minute of ${whose}`, retryAfterS: this.#windowS };
      const refusal = (ms: number): RateRefusal => ({ message: `rate limit of ${whose} reached: ${limit} ${what} per minute`, retryAfterS: Math.max(1, Math.ceil(ms / 1000)) });
      const limiter = this.#limiter(kind, limit);
      if (!this.#pool) {
        try {
          await limiter.consume(who, points);
        } catch (res) {
          if (!(res instanceof RateLimiterRes)) throw res;
          return refusal(res.msBeforeNext);
        }
        continue;
      }
      const slot = `${kind}${limit}:${who}`;
      const blocked = this.#blockedUntil.get(slot);
      if (blocked !== undefined) {
        const left = blocked - Date.now();
        if (left > 0) return refusal(left);
        this.#blockedUntil.delete(slot);
      }
      limiter.consume(who, points).catch((res: unknown) => {
        if (res instanceof RateLimiterRes) this.#blockedUntil.set(slot, Date.now() + res.msBeforeNext);
        else this.#onError(res);
      });
    }
    return null;
  }

  /** One limiter per kind and limit (rate-limiter-flexible fixes the points of a limiter). */
  #limiter(kind: Kind, points: number): RateLimiterAbstract {
    const name = `${kind}${points}`;
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: this.#windowS });
      limiter = this.#pool
        ? new RateLimiterPostgres({ storeClient: this.#pool, tableName: TABLE, tableCreated: true, keyPrefix: name, points, duration: this.#windowS, insuranceLimiter: memory })
        : memory;
      this.#limiters.set(name, limiter);
    }
    return limiter;
  }
}
