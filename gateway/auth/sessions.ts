// Signed-in users' sessions, held in memory: the cookie carries only a random id. A restart signs
// everyone out; several replicas need sticky sessions (README, single sign-on).
import { randomBytes } from 'node:crypto';
import type { ControlActor } from './control-plane-auth.js';

const MAX_SESSIONS = 10_000;

interface Session {
  actor: ControlActor;
  expires: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(readonly ttlMs: number) {}

  create(actor: ControlActor, now = Date.now()): string {
    // The oldest sessions make room; Map keeps insertion order.
    while (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { actor, expires: now + this.ttlMs });
    return id;
  }

  get(id: string | undefined, now = Date.now()): ControlActor | null {
    if (!id) return null;
    const s = this.#sessions.get(id);
    if (!s) return null;
    if (s.expires <= now) {
      this.#sessions.delete(id);
      return null;
    }
    return s.actor;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }
}
