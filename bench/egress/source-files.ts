// The source-tree walk the egress benchmarks share: files under a folder with a given extension, leaving
// out dependencies, build output, hidden folders and the files a benchmark names as planting secrets on
// purpose (tests, fixtures, the detector tables), matched against the path relative to the repository.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../gateway/core/package-root.js';

export function sourceFiles(dir: string, ext: RegExp, planted: RegExp, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'results') continue;
    const path = join(dir, name);
    // The benchmarks' scratch folder (a LiteLLM virtual environment, gateway data directories) is not source.
    if (relative(packageRoot, path) === join('bench', 'tmp')) continue;
    if (statSync(path).isDirectory()) sourceFiles(path, ext, planted, out);
    else if (ext.test(name) && !planted.test(relative(packageRoot, path))) out.push(path);
  }
  return out;
}

/**
 * Installed packages' sources: every `step`-th file (sorted, so a run repeats) under a dependency folder,
 * with the given extension, tests, fixtures, minified and declaration files left out (they plant values
 * or repeat code), about `wanted` files in all.
 */
export function packageFiles(dir: string, ext: RegExp, wanted: number): string[] {
  const all: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!/^(tests?|__tests__|fixtures|testing|test_data|testdata)$/.test(name)) walk(path);
      } else if (ext.test(name) && !/(^test_|_test\.|\.test\.|\.spec\.|\.min\.js$|\.d\.ts$)/.test(name) && st.size < 200_000) all.push(path);
    }
  };
  walk(dir);
  all.sort();
  const step = Math.max(1, Math.floor(all.length / wanted));
  return all.filter((_, i) => i % step === 0);
}
