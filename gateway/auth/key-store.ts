// What both key stores do (the file store on one node, PostgreSQL for fleets).
import type { StoredKey } from './key-record.js';

export interface KeyStore {
  /** The key with this hash, revoked or expired ones included (so a 401 can say why); null when none. */
  byHash(hash: string): StoredKey | null | Promise<StoredKey | null>;
  /** The key of this id as this replica last saw it, without a round trip. */
  known(id: string): StoredKey | null;
  get(id: string): Promise<StoredKey | null>;
  list(): Promise<StoredKey[]>;
  /** Adds a key; false when its id is taken. */
  create(key: StoredKey): Promise<boolean>;
  /** Marks it revoked; the key as it now stands, or null when there is no such key. */
  revoke(id: string, at: string): Promise<StoredKey | null>;
  /** Gives a live key a new hash (the old key stops working); the key as it now stands, or null when there is no live key of that id. */
  rotate(id: string, hash: string, at: string): Promise<StoredKey | null>;
  close(): Promise<void>;
}
