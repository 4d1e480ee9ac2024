// The configured rate limits: counted in memory on one node, in PostgreSQL where keys are (a fleet).
import pg from 'pg';
import type { Config } from '../config/types.js';
import type { KeyLimits } from '../core/contracts.js';
import { RateLimits } from './rate-limits.js';

export async function openRateLimits(config: Pick<Config, 'teams' | 'keyStore' | 'audit'>, onError: (err: Error) => void): Promise<{ limits: RateLimits; close(): Promise<void> }> {
  const teams: Record<string, KeyLimits> = {};
  for (const [team, t] of Object.entries(config.teams)) if (t.limits) teams[team] = t.limits;
  const shared = (config.keyStore.backend ?? config.audit.backend) === 'postgres';
  if (!shared) return { limits: await RateLimits.open({ teams }), close: async () => {} };
  const pool = new pg.Pool({ connectionString: config.keyStore.postgresUrl ?? config.audit.postgresUrl, max: 4, options: `-c search_path=${config.keyStore.schema}` });
  pool.on('error', onError);
  try {
    return { limits: await RateLimits.open({ teams, pool }), close: () => pool.end() };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
