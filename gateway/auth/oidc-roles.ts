// Which control-plane role a signed-in user holds: the groups in the configured claim, mapped by the
// configuration; the strongest mapped role wins; no mapped group, no role. Pure.
import type { OidcConfig } from '../config/types.js';

export type SsoRole = OidcConfig['roles'][string];

const STRENGTH: Record<SsoRole, number> = { auditor: 1, 'policy-editor': 2, admin: 3 };

export function roleFromClaims(claims: Record<string, unknown>, roleClaim: string, mapping: OidcConfig['roles']): SsoRole | null {
  const raw = claims[roleClaim];
  const groups = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : [];
  let role: SsoRole | null = null;
  for (const g of groups) {
    const mapped = Object.hasOwn(mapping, g) ? mapping[g] : undefined;
    if (mapped && (role === null || STRENGTH[mapped] > STRENGTH[role])) role = mapped;
  }
  return role;
}
