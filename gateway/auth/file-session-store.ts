// Sessions of a single node, beside the key store's file (<dataDir>/key-store): held in memory, the
// file rewritten whole on each sign-in and sign-out. The cookie secret is a file of its own (mode 0600).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { ControlActor } from './control-plane-auth.js';
import { KEY_STORE_DIR } from './file-key-store.js';
import { newSessionId, sessionKey, type SessionStore, type StoredSession } from './sessions.js';

const MAX_SESSIONS = 10_000;

export class FileSessionStore implements SessionStore {
  readonly #path: string;
  readonly #secret: Buffer;
  readonly #sessions = new Map<string, StoredSession>();
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    const dir = join(dataDir, KEY_STORE_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#path = join(dir, 'sessions.json');
    const secretPath = join(dir, 'session-secret');
    try {
      writeFileSync(secretPath, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.#secret = readFileSync(secretPath);
    try {
      for (const [k, s] of Object.entries(JSON.parse(readFileSync(this.#path, 'utf8')) as Record<string, StoredSession>)) this.#sessions.set(k, s);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`session store ${this.#path} cannot be read: ${(err as Error).message}`);
    }
  }

  async create(actor: ControlActor, ttlMs: number, now = Date.now()): Promise<string> {
    for (const [k, s] of this.#sessions) if (s.expires <= now) this.#sessions.delete(k);
    // The oldest sessions make room; Map keeps insertion order.
    while (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = newSessionId();
    this.#sessions.set(sessionKey(id), { actor, expires: now + ttlMs });
    await this.#save();
    return id;
  }

  async get(id: string | undefined, now = Date.now()): Promise<ControlActor | null> {
    if (!id) return null;
    const s = this.#sessions.get(sessionKey(id));
    return s && s.expires > now ? s.actor : null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (id && this.#sessions.delete(sessionKey(id))) await this.#save();
  }

  async secret(): Promise<Buffer> {
    return this.#secret;
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  #save(): Promise<void> {
    const text = JSON.stringify(Object.fromEntries(this.#sessions));
    const write = () => writeFileAtomic(this.#path, text);
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }
}
