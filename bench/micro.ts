// Runs the hot-path micro-benchmarks (every `*.bench.ts` under bench/), each with `npx tsx` in its own process group under a time
// limit, and collects their output into bench/results/micro-latest.json.
//   node dist/bench/micro.js [--timeout S] [FILTER…]
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOTS = ['bench'];
const MAX_OUTPUT = 256 * 1024;

interface MicroResult {
  file: string;
  exit: string;
  durationMs: number;
  output: string;
}

function benchFiles(filters: string[]): string[] {
  const files: string[] = [];
  for (const root of ROOTS) {
    let entries: string[];
    try {
      entries = readdirSync(join(repoRoot, root), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      const file = join(root, entry);
      if (file.endsWith('.bench.ts') && !file.includes('node_modules') && (filters.length === 0 || filters.some((f) => file.includes(f)))) files.push(file);
    }
  }
  return files.sort();
}

function runOne(file: string, timeoutMs: number): Promise<MicroResult> {
  const started = Date.now();
  const child = spawn('npx', ['tsx', file], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    process.stdout.write(text);
    if (output.length < MAX_OUTPUT) output += text.slice(0, MAX_OUTPUT - output.length);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', kill);
  const timer = setTimeout(() => {
    output += `\n[killed after ${timeoutMs / 1000} s]`;
    kill();
  }, timeoutMs);
  return new Promise((resolvePromise) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', kill);
      resolvePromise({ file, exit: signal ? `signal ${signal}` : `code ${code}`, durationMs: Date.now() - started, output });
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { timeout: { type: 'string', default: '180' } }, allowPositionals: true });
  const timeoutMs = Number(values.timeout) * 1000;
  const files = benchFiles(positionals);
  if (files.length === 0) {
    process.stderr.write(`micro: no *.bench.ts under ${ROOTS.join(', ')}\n`);
    return 1;
  }
  const results: MicroResult[] = [];
  for (const file of files) {
    process.stdout.write(`\n## ${file}\n`);
    results.push(await runOne(file, timeoutMs));
  }
  const outDir = join(repoRoot, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'micro-latest.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
  process.stdout.write(`\n${results.map((r) => `${r.file}: ${r.exit} in ${(r.durationMs / 1000).toFixed(1)} s`).join('\n')}\n`);
  return results.every((r) => r.exit === 'code 0') ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
main().then((code) => process.exit(code));
