// The configured key store, and the console's sessions beside it: files under dataDir on one node,
// PostgreSQL for a fleet.
import type { Config } from '../config/types.js';
import { FileKeyStore } from './file-key-store.js';
import type { KeyStore } from './key-store.js';
import { openPgKeyStore } from './pg-key-store.js';
import { FileSessionStore } from './file-session-store.js';
import { openPgSessionStore } from './pg-session-store.js';
import type { SessionStore } from './sessions.js';

type StoreConfig = Pick<Config, 'dataDir' | 'keyStore' | 'audit'>;

/** The PostgreSQL connection string, or null for the file store. */
function postgresOf(config: StoreConfig): string | null {
  if ((config.keyStore.backend ?? config.audit.backend) === 'file') return null;
  const connectionString = config.keyStore.postgresUrl ?? config.audit.postgresUrl;
  if (!connectionString) throw new Error('keyStore.backend postgres needs keyStore.postgresUrl (or audit.postgresUrl)');
  return connectionString;
}

export async function openKeyStore(config: StoreConfig, onError: (err: Error) => void): Promise<KeyStore> {
  const connectionString = postgresOf(config);
  if (connectionString === null) return new FileKeyStore(config.dataDir);
  return openPgKeyStore({ connectionString, schema: config.keyStore.schema, pollMs: config.keyStore.pollMs, onError });
}

/** Opened after the key store, which creates the PostgreSQL schema. */
export async function openSessionStore(config: StoreConfig, onError: (err: Error) => void): Promise<SessionStore> {
  const connectionString = postgresOf(config);
  if (connectionString === null) return new FileSessionStore(config.dataDir);
  return openPgSessionStore({ connectionString, schema: config.keyStore.schema, onError });
}
