// The import rule of ARCHITECTURE.md, checked by test/architecture.test.ts:
// a module imports only its own folder or a strictly lower floor.
const FLOORS = [
  ['gateway/core'],
  ['gateway/text', 'gateway/tlog', 'gateway/watermark'],
  ['gateway/config'],
  ['gateway/signing', 'gateway/secrets', 'telemetry'],
  ['gateway/auth', 'gateway/classify', 'gateway/policy', 'gateway/upstream', 'gateway/dialects', 'gateway/provenance', 'gateway/audit', 'gateway/training', 'gateway/distillation', 'gateway/limits'],
  ['gateway/request-path'],
  ['gateway/changes', 'gateway/console', 'gateway/witness', 'gateway/mock-upstream'],
  ['gateway/server'],
  ['gateway/cli'],
];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const anyOf = (modules) => `^(${modules.map(escape).join('|')})/`;
// Browser code: the console's page and the legal data's schemas and diffs it bundles (types from elsewhere vanish).
const BROWSER = '^gateway/(console/ui|policy/data)/';
const TESTS = '(\\.test\\.ts$|^test/|^bench/)';

const floorRules = FLOORS.slice(0, -1).map((floor, i) => ({
  name: `floor-${i}-imports-up-or-sideways`,
  comment: `${floor.join(', ')} may import only their own folder and the floors below them`,
  severity: 'error',
  from: { path: anyOf(floor), pathNot: TESTS },
  to: { path: anyOf(FLOORS.slice(i).flat()), pathNot: '^$1/' },
}));
// The top floor: only sideways imports can break the rule there.
floorRules.push({
  name: `floor-${FLOORS.length - 1}-imports-sideways`,
  severity: 'error',
  from: { path: anyOf(FLOORS.at(-1)), pathNot: TESTS },
  to: { path: anyOf(FLOORS.at(-1)), pathNot: '^$1/' },
});

module.exports = {
  forbidden: [
    ...floorRules,
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'production-imports-no-tests-or-benchmarks',
      severity: 'error',
      from: { path: '^(gateway|telemetry)/', pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'browser-code-imports-no-node-built-ins',
      comment: 'the console bundles gateway/console/ui and the legal data for the browser',
      severity: 'error',
      from: { path: BROWSER, pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-code-imports-only-browser-code',
      severity: 'error',
      from: { path: BROWSER, pathNot: TESTS },
      // Types vanish from the bundle.
      to: { path: '^gateway/', pathNot: BROWSER, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'mock-provider-only-for-cli-tests-and-benchmarks',
      severity: 'error',
      from: { path: '^(gateway|telemetry)/', pathNot: `${TESTS}|^gateway/(cli|mock-upstream)/` },
      to: { path: '^gateway/mock-upstream/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
