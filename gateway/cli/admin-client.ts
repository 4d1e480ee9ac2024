// How CLI commands reach a running gateway's control plane: its URL (--url or TERMSGATE_URL) and an
// admin token from an environment variable (never the command line, which other users can read in ps).
import { CliError, UsageError } from './args.js';

export const URL_ENV = 'TERMSGATE_URL';
export const TOKEN_ENV = 'TERMSGATE_ADMIN_TOKEN';

export interface AdminClient {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function adminClient(url: string | undefined, tokenEnv: string = TOKEN_ENV, env: NodeJS.ProcessEnv = process.env): AdminClient {
  const base = url ?? env[URL_ENV];
  if (!base) throw new UsageError(`the gateway's URL is needed: --url or ${URL_ENV}`);
  const token = env[tokenEnv];
  if (!token) throw new UsageError(`an admin token is needed in the environment variable ${tokenEnv}`);
  return {
    async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (err) {
        throw new CliError(`cannot reach ${base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
      }
      const text = await res.text();
      const json = text ? (JSON.parse(text) as unknown) : null;
      if (!res.ok) {
        const message = (json as { error?: { message?: string } } | null)?.error?.message ?? text;
        throw new CliError(`${method} ${path}: ${res.status} ${message}`);
      }
      return json as T;
    },
  };
}
