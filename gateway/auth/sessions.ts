// Signed-in users' sessions, kept where the keys are (a file on one node, PostgreSQL for a fleet), so a
// restart keeps users signed in and any replica serves them. The cookie carries a random id; the store
// keeps only its SHA-256, so whoever reads the store cannot take over a session.
import { createHash, randomBytes } from 'node:crypto';
import type { ControlActor } from './control-plane-auth.js';

export interface SessionStore {
  /** A new session for the actor; its id (the cookie's value). */
  create(actor: ControlActor, ttlMs: number, now?: number): Promise<string>;
  get(id: string | undefined, now?: number): Promise<ControlActor | null>;
  delete(id: string | undefined): Promise<void>;
  /** 32 random bytes shared by every replica and kept across restarts: signs the session cookie and keys the CSRF tokens. */
  secret(): Promise<Buffer>;
  close(): Promise<void>;
}

export interface StoredSession {
  actor: ControlActor;
  /** ms since the epoch. */
  expires: number;
}

export const newSessionId = (): string => randomBytes(32).toString('base64url');
export const sessionKey = (id: string): string => createHash('sha256').update(id).digest('hex');
