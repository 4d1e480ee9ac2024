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
    if (statSync(path).isDirectory()) sourceFiles(path, ext, planted, out);
    else if (ext.test(name) && !planted.test(relative(packageRoot, path))) out.push(path);
  }
  return out;
}
