// The built-ins staged policies may not use, in one place: each reaches outside the policy (network,
// the process environment, files). The sandbox capabilities are OPA's own (`opa capabilities --current`)
// minus these, so `opa check`, `opa test` and the WASM build all refuse a policy that calls one. Pure.

export interface RemovedBuiltin {
  /** An exact built-in name, or a namespace ending in '.' that removes every built-in under it. */
  name: string;
  why: string;
}

export const REMOVED_BUILTINS: readonly RemovedBuiltin[] = [
  { name: 'http.', why: 'sends HTTP requests from the gateway host' },
  { name: 'net.', why: 'net.lookup_ip_addr resolves names through DNS; the namespace is removed whole' },
  { name: 'opa.runtime', why: 'returns the process environment and configuration' },
  { name: 'json.verify_schema', why: 'resolves a schema $ref over HTTP or from a file' },
  { name: 'json.match_schema', why: 'resolves a schema $ref over HTTP or from a file' },
];

export function removedBuiltin(name: string): RemovedBuiltin | undefined {
  return REMOVED_BUILTINS.find((r) => (r.name.endsWith('.') ? name.startsWith(r.name) : name === r.name));
}

export interface Capabilities {
  builtins: Array<{ name: string }>;
  [field: string]: unknown;
}

/** OPA's capabilities without the removed built-ins. */
export function sandboxCapabilities(current: Capabilities): Capabilities {
  return { ...current, builtins: current.builtins.filter((b) => !removedBuiltin(b.name)) };
}

/**
 * Explains OPA's "undefined function" errors for removed built-ins: the editor learns that the
 * built-in exists but is refused here, and why.
 */
export function explainRemovedBuiltins(opaOutput: string): string {
  const named = new Set<string>();
  for (const m of opaOutput.matchAll(/undefined (?:function|ref):? ([A-Za-z_][\w.]*)/g)) if (removedBuiltin(m[1])) named.add(m[1]);
  if (named.size === 0) return opaOutput;
  const lines = [...named].map((n) => `built-in ${n} is not available to policies: it ${removedBuiltin(n)!.why}`);
  return `${lines.join('\n')}\n(removed built-ins: ${REMOVED_BUILTINS.map((r) => (r.name.endsWith('.') ? `${r.name}*` : r.name)).join(', ')})\n${opaOutput}`;
}
