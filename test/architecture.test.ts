// The import rule of ARCHITECTURE.md, checked with dependency-cruiser (.dependency-cruiser.cjs): the tree
// keeps it, and the rule is not toothless — a fixture tree that breaks each clause is refused by name.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import t from 'tap';

const repo = resolve(import.meta.dirname, '..');
const depcruise = join(repo, 'node_modules', '.bin', 'depcruise');
const config = join(repo, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string, roots: string[]): Violation[] {
  const run = spawnSync(depcruise, ['--config', config, '--output-type', 'json', ...roots], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0 && !run.stdout) throw new Error(`depcruise failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

t.test('the tree keeps the import rule', async (t) => {
  const violations = cruise(repo, ['gateway', 'telemetry', 'bench', 'test']);
  t.same(
    violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    [],
  );
});

t.test('each clause of the rule refuses a tree that breaks it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-architecture-'));
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true } }),
    'gateway/core/contracts.ts': `export type Id = string;\n`,
    // a stage importing another stage
    'gateway/policy/engine.ts': `export const decide = (): boolean => true;\n`,
    'gateway/classify/detectors.ts': `import { decide } from '../policy/engine.js';\nexport const detect = decide;\n`,
    // the ground importing upwards, and a type import counts too
    'gateway/core/errors.ts': `import type { Sink } from '../request-path/request-path.js';\nexport type E = Sink;\n`,
    'gateway/request-path/request-path.ts': `export type Sink = { end(): void };\n`,
    // a file cycle inside one folder
    'gateway/audit/a.ts': `import { b } from './b.js';\nexport const a = (): number => b();\n`,
    'gateway/audit/b.ts': `import { a } from './a.js';\nexport const b = (): number => (a as unknown as number) ? 1 : 0;\n`,
    // browser code reaching for Node
    'gateway/console/ui/page.ts': `import { readFileSync } from 'node:fs';\nexport const page = readFileSync;\n`,
    // production code importing a benchmark
    'gateway/upstream/client.ts': `import { n } from '../../bench/helper.js';\nexport const c = n;\n`,
    'bench/helper.ts': `export const n = 1;\n`,
    // two edge modules of one floor
    'gateway/console/routes.ts': `import { w } from '../witness/server.js';\nexport const r = w;\n`,
    'gateway/witness/server.ts': `export const w = 1;\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const found = cruise(dir, ['gateway', 'bench']).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  const expect = [
    /^floor-4-imports-up-or-sideways: gateway\/classify\/detectors\.ts → gateway\/policy\/engine\.ts$/,
    /^floor-0-imports-up-or-sideways: gateway\/core\/errors\.ts → gateway\/request-path\/request-path\.ts$/,
    /^no-cycles: gateway\/audit\/a\.ts → gateway\/audit\/b\.ts$/,
    /^browser-code-imports-no-node-built-ins: gateway\/console\/ui\/page\.ts → (node:)?fs$/,
    /^production-imports-no-tests-or-benchmarks: gateway\/upstream\/client\.ts → bench\/helper\.ts$/,
    /^floor-6-imports-up-or-sideways: gateway\/console\/routes\.ts → gateway\/witness\/server\.ts$/,
  ];
  for (const e of expect) t.ok(found.some((f) => e.test(f)), `refused: ${e.source}`);
  t.notOk(found.some((f) => f.includes('contracts.ts')), 'importing nothing breaks nothing');
});
