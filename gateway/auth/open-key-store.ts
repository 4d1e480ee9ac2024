// The configured key store: the file under dataDir on one node, PostgreSQL for a fleet.
import type { Config } from '../config/types.js';
import { FileKeyStore } from './file-key-store.js';
import type { KeyStore } from './key-store.js';
import { openPgKeyStore } from './pg-key-store.js';

export async function openKeyStore(config: Pick<Config, 'dataDir' | 'keyStore' | 'audit'>, onError: (err: Error) => void): Promise<KeyStore> {
  const backend = config.keyStore.backend ?? config.audit.backend;
  if (backend === 'file') return new FileKeyStore(config.dataDir);
  const connectionString = config.keyStore.postgresUrl ?? config.audit.postgresUrl;
  if (!connectionString) throw new Error('keyStore.backend postgres needs keyStore.postgresUrl (or audit.postgresUrl)');
  return openPgKeyStore({ connectionString, schema: config.keyStore.schema, pollMs: config.keyStore.pollMs, onError });
}
