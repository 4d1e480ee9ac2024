// Toolchain output to findings: the real shapes opa prints, and properties over arbitrary output.
import t from 'tap';
import fc from 'fast-check';
import { findingsOf } from './findings.js';

const dir = '/data/policy/candidates/abc';

t.test('opa check errors, test failures, fmt lists and schema problems', async (t) => {
  t.same(findingsOf({ step: 'check', ok: false, output: `2 errors occurred during loading:\n${dir}/request/access.rego:29: rego_parse_error: unexpected eof token\n\tx := {\n\t     ^\n${dir}/request/access.rego:29: rego_parse_error: unexpected eof token` }, dir), [
    { step: 'check', file: 'request/access.rego', line: 29, message: 'Syntax error: unexpected eof token' },
  ]);
  t.same(findingsOf({ step: 'test', ok: false, output: `${dir}/request/access_test.rego:12:\ndata.termsgate.request_test.test_unknown_team_denied: FAIL (110µs)\n---\nPASS: 29/30\nFAIL: 1/30` }, dir), [
    { step: 'test', file: 'request/access_test.rego', line: 12, message: 'Test "unknown team denied" failed' },
  ]);
  t.same(findingsOf({ step: 'fmt', ok: false, output: `not formatted (run opa fmt -w):\n${dir}/request/x.rego` }, dir), [
    { step: 'fmt', file: 'request/x.rego', line: null, message: 'Not formatted the standard way (an engineer can run `opa fmt -w`)' },
  ]);
  t.same(findingsOf({ step: 'schema', ok: false, output: 'data/company.json:0: /company/teams/x/models: must be array\ndata/company.json:3: not valid JSON: Unexpected token' }, dir), [
    { step: 'schema', file: 'data/company.json', line: null, message: '/company/teams/x/models: must be array' },
    { step: 'schema', file: 'data/company.json', line: 3, message: 'not valid JSON: Unexpected token' },
  ]);
  t.same(findingsOf({ step: 'test', ok: false, output: 'PASS: 30/30\ncoverage 80.5% (threshold 90%)' }, dir), [
    { step: 'test', file: '', line: null, message: 'The tests cover 80.5% of the rules; at least 90% is required' },
  ]);
  t.same(findingsOf({ step: 'build', ok: true, output: 'built' }, dir), []);
});

t.test('property: a failed step always yields findings, never a path inside the candidate directory', async () => {
  const line = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('a.rego', 'request/b_test.rego', 'data/c.json'), fc.nat(5000), fc.string()).map(([f, n, m]) => `${dir}/${f}:${n}: rego_type_error: ${m}`),
    fc.tuple(fc.constantFrom('a_test.rego', 'x/y_test.rego'), fc.nat(5000)).map(([f, n]) => `${dir}/${f}:${n}:\ndata.p.test_x: FAIL (1ms)`),
  );
  fc.assert(
    fc.property(fc.constantFrom('schema', 'fmt', 'check', 'test', 'build') as fc.Arbitrary<'schema' | 'fmt' | 'check' | 'test' | 'build'>, fc.array(line, { maxLength: 8 }), (step, lines) => {
      const found = findingsOf({ step, ok: false, output: lines.join('\n') }, dir);
      return found.length > 0 && found.every((f) => !f.file.startsWith('/data/') && (f.line === null || Number.isInteger(f.line)) && f.message.length > 0);
    }),
  );
});
