// How the gateway reaches one provider, as a company's network requires (issue 24): through the proxy of
// HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the provider's host (undici's EnvHttpProxyAgent, the same
// rules as curl's), through the provider's own `proxy` when it sets one, or directly with `proxy: direct`.
// A provider's `caFile` adds CA certificates (a TLS-inspecting proxy's, a private provider's) to the public
// roots, for the provider's TLS and for an https proxy's.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import type { ProviderConfig } from '../config/types.js';
import { proxyEnvironment } from '../config/proxy-environment.js';

/** The undici pool options of one provider (connections, timeouts); each origin gets one pool with them. */
export type PoolOptions = Agent.Options & { connectTimeout: number };

/** The dispatcher a provider's calls go through: one pool per origin, direct or through a proxy's tunnel. */
export function egressFor(providerId: string, p: ProviderConfig, pool: PoolOptions, env: NodeJS.ProcessEnv): Dispatcher {
  const ca = p.caFile ? [...rootCertificates, readCa(providerId, p.caFile)] : undefined;
  // A direct connection's options; through a tunnel, requestTls is the provider's TLS and proxyTls the proxy's.
  const tls = { timeout: pool.connectTimeout, ...(ca ? { ca } : {}) };
  const tunnel = { requestTls: tls, proxyTls: tls };
  if (p.proxy === 'direct') return new Agent({ ...pool, connect: tls });
  if (p.proxy) return new ProxyAgent({ ...pool, ...tunnel, connect: tls, uri: p.proxy });
  // Passed explicitly, so the environment given decides, not process.env as it is at each call.
  return new EnvHttpProxyAgent({ ...pool, ...tunnel, connect: tls, ...proxyEnvironment(env) });
}

/**
 * The dispatcher of a provider's credential token calls (STS, OAuth token endpoints, Entra ID): its `proxy` in
 * place of the environment's, and its CA bundle, but NO_PROXY's exceptions kept, since identity endpoints on the
 * node (App Service's, Azure Arc's) are named there as they are for HTTPS_PROXY. `direct` and no `proxy` are as
 * for the provider's calls.
 */
export function tokenEgressFor(providerId: string, p: ProviderConfig, env: NodeJS.ProcessEnv): Dispatcher {
  const pool = { connectTimeout: 10_000 };
  if (!p.proxy || p.proxy === 'direct') return egressFor(providerId, p, pool, env);
  return egressFor(providerId, { ...p, proxy: undefined }, pool, { ...env, https_proxy: p.proxy, http_proxy: p.proxy });
}

/**
 * The dispatcher of the gateway's own outbound calls that are not provider calls — the fleet policy bundle,
 * OpenID Connect discovery and token calls, the external detector — with the same HTTPS_PROXY, HTTP_PROXY and
 * NO_PROXY rules as provider calls, so a network that lets nothing out but its proxy loses none of them.
 * Handed to each stage by the composition root, never installed globally.
 */
export function ownCallsDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  return new EnvHttpProxyAgent(proxyEnvironment(env));
}

function readCa(providerId: string, file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (err) {
    throw new Error(`providers.${providerId}.caFile: cannot use ${file}: ${(err as Error).message}`);
  }
}
