// Single sign-on for the control plane: OpenID Connect authorization code flow with PKCE (openid-client),
// the role from a configured claim, a server-side session in a secure HTTP-only cookie, and CSRF tokens
// (@fastify/csrf-protection, bound to the session) for its state-changing requests.
//   GET  /console/auth/login     → the provider's sign-in page
//   GET  /console/auth/callback  → checks state, nonce, PKCE, the ID token (issuer, audience, expiry), maps the role
//   GET  /console/auth/session   → whether and who is signed in, and the CSRF token for x-csrf-token (200 either way)
//   POST /console/auth/logout
import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { OidcConfig } from '../config/types.js';
import { sendError } from '../core/errors.js';
import { boundedResponse } from '../core/bounded-body.js';
import type { ControlActor, ControlPlaneAuth } from './control-plane-auth.js';
import { roleFromClaims } from './oidc-roles.js';
import type { SessionStore } from './sessions.js';

const SESSION_COOKIE = 'termsgate_session';
const FLOW_COOKIE = 'termsgate_oidc';
const FLOW_TTL_SECONDS = 600;
const AUTH_PATH = '/console/auth';

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
}

export interface OidcDeps {
  config: OidcConfig;
  auth: ControlPlaneAuth;
  /** Where sessions live (gateway/auth/sessions.ts): restarts and every replica see them. */
  sessions: SessionStore;
  env?: NodeJS.ProcessEnv;
  /** How the identity provider is reached (discovery, keys, token calls: the egress proxy rules); Node's fetch when absent. */
  dispatcher?: Dispatcher;
}

/** A plain-http provider is accepted only on the loopback interface (tests, local development). */
function loopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

// Discovery, keys and token answers are a few KB; openid-client reads them whole, so a provider (or
// anything on the way to it) that never stops answering is cut here. openid-client's own 30 s bounds the time.
const IDP_ANSWER_BYTES = 1024 * 1024;
const idpTooLong = () => new Error(`the identity provider answered more than ${IDP_ANSWER_BYTES} bytes`);

/** openid-client names the failed claim (exp, aud, iss, nonce…) down its chain of causes, not in the message. */
function failedClaim(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const claim = (e as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
  }
  return null;
}

export async function oidcSignIn(app: FastifyInstance, deps: OidcDeps): Promise<void> {
  const { config, dispatcher } = deps;
  const env = deps.env ?? process.env;
  const issuer = new URL(config.issuer);
  const secret = config.clientSecretEnv ? env[config.clientSecretEnv] : undefined;
  const { sessions } = deps;
  // Cookie signatures and CSRF tokens outlive a restart and hold on every replica, as the sessions they protect.
  const shared = await sessions.secret();
  const derive = (use: string) => createHmac('sha256', shared).update(use).digest();
  await app.register(fastifyCookie, { secret: derive('termsgate session cookie').toString('base64url') });
  const cookieBase = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' as const, signed: true };
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'termsgate_csrf',
    cookieOpts: { ...cookieBase, sameSite: 'strict' },
    getUserInfo: (request: FastifyRequest) => sessionId(request) ?? '',
    csrfOpts: { hmacKey: derive('termsgate csrf') },
  });

  const sessionId = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : undefined;
  };
  deps.auth.useSessions({
    actorOf: (request) => sessions.get(sessionId(request)),
    csrfProtection: (request, reply, next) => app.csrfProtection(request, reply, next),
  });

  let discovered: Promise<client.Configuration> | null = null;
  const provider = () => {
    discovered ??= client.discovery(issuer, config.clientId, undefined, secret ? client.ClientSecretPost(secret) : client.None(), {
      execute: loopbackHttp(issuer) ? [client.allowInsecureRequests] : [],
      [client.customFetch]: (url: string, options: client.CustomFetchOptions) =>
        undiciFetch(url, { ...options, dispatcher } as Parameters<typeof undiciFetch>[1]).then((res) => boundedResponse(res, IDP_ANSWER_BYTES, idpTooLong)) as unknown as Promise<Response>,
    });
    discovered.catch(() => (discovered = null));
    return discovered;
  };
  const redirectUri = (request: FastifyRequest) => config.redirectUri ?? `${request.protocol}://${request.host}${AUTH_PATH}/callback`;

  app.get(`${AUTH_PATH}/login`, async (request, reply) => {
    let provided: client.Configuration;
    try {
      provided = await provider();
    } catch (err) {
      request.log.error({ err }, 'OIDC discovery failed');
      return sendError(reply, 'upstream_unreachable', 'control', 'the identity provider cannot be reached');
    }
    const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(provided, {
      redirect_uri: redirectUri(request),
      scope: config.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    reply.setCookie(FLOW_COOKIE, JSON.stringify(flow), { ...cookieBase, path: AUTH_PATH, maxAge: FLOW_TTL_SECONDS });
    return reply.redirect(url.href, 302);
  });

  app.get(`${AUTH_PATH}/callback`, async (request, reply) => {
    const raw = request.cookies[FLOW_COOKIE];
    reply.clearCookie(FLOW_COOKIE, { path: AUTH_PATH });
    const unsigned = raw ? request.unsignCookie(raw) : null;
    if (!unsigned?.valid || !unsigned.value) return sendError(reply, 'bad_request', 'control', 'the sign-in expired or was not started here; start again at /console/auth/login');
    const flow = JSON.parse(unsigned.value) as Flow;
    const query = new URL(request.url, 'http://callback').search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(await provider(), new URL(`${redirectUri(request)}${query}`), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    } catch (err) {
      const claim = failedClaim(err);
      const reason = `${(err as Error).message}${claim ? ` (${claim})` : ''}`;
      request.log.info({ reason, client: request.ip }, 'control-plane sign-in refused');
      return sendError(reply, 'unauthenticated', 'control', `sign-in failed: ${reason}`);
    }
    const sub = String(claims.sub);
    const email = typeof claims.email === 'string' ? claims.email : null;
    const role = roleFromClaims(claims, config.roleClaim, config.roles);
    if (!role) {
      request.log.info({ sub, email, client: request.ip }, 'control-plane sign-in without a mapped role');
      return sendError(reply, 'forbidden', 'control', `${email ?? sub} is signed in but holds no control-plane role (claim ${config.roleClaim} maps none)`);
    }
    const actor: ControlActor = { type: 'oidc', id: sub, email, role };
    const id = await sessions.create(actor, config.sessionTtlSeconds * 1000);
    request.log.info({ sub, email, role, client: request.ip }, 'control-plane sign-in');
    reply.setCookie(SESSION_COOKIE, id, { ...cookieBase, maxAge: config.sessionTtlSeconds });
    return reply.redirect('/console', 303);
  });

  // The console's probe on every load: nobody signed in is an answer (200), not an error a browser would log.
  app.get(`${AUTH_PATH}/session`, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const id = sessionId(request);
    const actor = id ? await sessions.get(id) : null;
    if (!id || !actor) return { signed_in: false, sso: true };
    return { signed_in: true, sso: true, ...actor, csrf_token: reply.generateCsrf({ userInfo: id }) };
  });

  app.post(`${AUTH_PATH}/logout`, { onRequest: deps.auth.require('auditor', 'policy-editor') }, async (request, reply) => {
    await sessions.delete(sessionId(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { signed_out: true };
  });
}
