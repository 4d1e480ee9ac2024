// Which configurations may run several workers (server.workers > 1). Every worker is a replica of the
// gateway, so what each process would otherwise hold for itself must live in a store they all share.
import type { Config } from './types.js';

/** The field and reason that refuse `workers` processes for this configuration, or null when they may run. */
export function workersRefusal(config: Pick<Config, 'audit' | 'keyStore'> & Partial<Pick<Config, 'provenanceIndex'>>, workers: number): { field: string; reason: string } | null {
  if (workers <= 1) return null;
  if (config.audit.backend !== 'postgres') {
    return {
      field: 'audit.backend',
      reason: `server.workers ${workers} needs audit.backend postgres: the file audit log has exactly one writer, so several workers would fork the log (use the PostgreSQL stores: audit.backend postgres with audit.postgresUrl)`,
    };
  }
  if ((config.keyStore.backend ?? config.audit.backend) !== 'postgres') {
    return {
      field: 'keyStore.backend',
      reason: `server.workers ${workers} needs keyStore.backend postgres: keys, console sessions, rate limits and spend kept in each process would multiply every limit and budget by the number of workers`,
    };
  }
  if (config.provenanceIndex?.backend === 'lmdb') {
    return {
      field: 'provenanceIndex.backend',
      reason: `server.workers ${workers} needs the fingerprint index in PostgreSQL (provenanceIndex.backend postgres, the default with audit.backend postgres): each worker numbers the outputs it indexes, so several workers writing one LMDB index would mix their numbers`,
    };
  }
  return null;
}
