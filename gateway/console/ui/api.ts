// The control-plane API as the signed-in user: the token lives only in this module's memory (never in
// the URL, storage or cookies), so closing or reloading the tab signs out.
export type Role = 'admin' | 'policy-editor' | 'auditor' | 'runner';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

let token: string | null = null;
export let identity: { id: string; role: Role } | null = null;

export const can = {
  edit: () => identity?.role === 'policy-editor' || identity?.role === 'admin',
  audit: () => identity?.role === 'auditor' || identity?.role === 'admin',
};

function headers(body?: unknown): Record<string, string> {
  return { authorization: `Bearer ${token ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
}

export async function raw(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(path, { method, headers: headers(body), body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
}

/** JSON call; `accept` lists non-2xx statuses whose body is an answer rather than an error (e.g. 422 reports). */
export async function call<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<T> {
  const res = await raw(method, path, body);
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok && !accept.includes(res.status)) throw new ApiError(res.status, data.error?.message ?? `${res.status} ${res.statusText}`, data);
  return data as T;
}

export async function signIn(secret: string): Promise<void> {
  token = secret;
  try {
    identity = await call<{ id: string; role: Role }>('GET', '/admin/v1/whoami');
  } catch (err) {
    token = null;
    identity = null;
    throw err;
  }
}

export function signOut(): void {
  token = null;
  identity = null;
}
