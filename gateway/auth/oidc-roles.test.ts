// Groups claim → role: the strongest mapped role, nothing for unmapped or malformed claims.
import t from 'tap';
import fc from 'fast-check';
import { roleFromClaims } from './oidc-roles.js';

const mapping = { legal: 'policy-editor', compliance: 'auditor', platform: 'admin' } as const;

t.test('the strongest mapped group wins, in any order', async (t) => {
  t.equal(roleFromClaims({ groups: ['compliance', 'legal'] }, 'groups', mapping), 'policy-editor');
  t.equal(roleFromClaims({ groups: ['legal', 'platform', 'compliance'] }, 'groups', mapping), 'admin');
  t.equal(roleFromClaims({ groups: 'compliance' }, 'groups', mapping), 'auditor', 'a single string');
  t.equal(roleFromClaims({ roles: ['legal'] }, 'roles', mapping), 'policy-editor', 'the configured claim');
  fc.assert(
    fc.property(fc.shuffledSubarray(['legal', 'compliance', 'platform', 'marketing', 'x']), (groups) => {
      const expected = groups.includes('platform') ? 'admin' : groups.includes('legal') ? 'policy-editor' : groups.includes('compliance') ? 'auditor' : null;
      return roleFromClaims({ groups }, 'groups', mapping) === expected;
    }),
  );
});

t.test('no role from unmapped, missing or malformed claims, nor from inherited names', async (t) => {
  fc.assert(fc.property(fc.anything(), (claim) => {
    const role = roleFromClaims({ groups: claim }, 'groups', mapping);
    return role === null || (Array.isArray(claim) || typeof claim === 'string');
  }));
  t.equal(roleFromClaims({}, 'groups', mapping), null);
  t.equal(roleFromClaims({ groups: { legal: true } }, 'groups', mapping), null);
  t.equal(roleFromClaims({ groups: ['constructor', 'toString', '__proto__'] }, 'groups', mapping), null);
  t.equal(roleFromClaims({ groups: ['Legal', 'legal '] }, 'groups', mapping), null, 'names match exactly');
});
