// The control-plane API as the signed-in user. Two ways in: a control-plane token, kept only in this
// module's memory (never in the URL, storage or cookies, so closing or reloading the tab signs out), or
// a single sign-on session (an HTTP-only cookie the page cannot read, plus its CSRF token for changes).
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
/** The CSRF token of a single sign-on session; null when signed in with a token. */
let csrf: string | null = null;
export let identity: { id: string; role: Role } | null = null;

export const can = {
  edit: () => identity?.role === 'policy-editor' || identity?.role === 'admin',
  audit: () => identity?.role === 'auditor' || identity?.role === 'admin',
  admin: () => identity?.role === 'admin',
};

function headers(method: string, body?: unknown): Record<string, string> {
  const auth: Record<string, string> = token !== null ? { authorization: `Bearer ${token}` } : csrf !== null && method !== 'GET' ? { 'x-csrf-token': csrf } : {};
  return { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
}

export async function raw(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(path, { method, headers: headers(method, body), body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
}

/** JSON call; `accept` lists non-2xx statuses whose body is an answer rather than an error (e.g. 422 reports). */
export async function call<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<T> {
  const res = await raw(method, path, body);
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok && !accept.includes(res.status)) throw new ApiError(res.status, data.error?.message ?? `${res.status} ${res.statusText}`, data);
  return data as T;
}

/**
 * Resumes a single sign-on session if the browser has one. Says whether single sign-on is offered at
 * all (`sso`), so the sign-in screen can offer it; the gateway answers 200 either way.
 */
export async function resumeSession(): Promise<{ signedIn: boolean; offered: boolean }> {
  const res = await fetch('/console/auth/session', { cache: 'no-store' });
  if (!res.ok) return { signedIn: false, offered: false };
  const who = (await res.json()) as { signed_in: boolean; sso: boolean; id: string; email?: string | null; role: Role; csrf_token: string | null };
  if (!who.signed_in) return { signedIn: false, offered: who.sso };
  identity = { id: who.email ?? who.id, role: who.role };
  csrf = who.csrf_token;
  return { signedIn: true, offered: true };
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

export async function signOut(): Promise<void> {
  if (csrf !== null) await raw('POST', '/console/auth/logout').catch(() => undefined);
  token = null;
  csrf = null;
  identity = null;
}
