// Bundles the console's browser code and styles with esbuild into content-hashed files and writes the
// index page that names them. Run at build time (`make build`); the gateway only serves the result.
import { build } from 'esbuild';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { DEFAULT_CONSOLE_DIR } from './assets.js';

const page = (script: string, style: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>termsgate console</title>
<link rel="stylesheet" href="/console/assets/${style}">
<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<div id="app"><noscript>The termsgate console needs JavaScript.</noscript></div>
</body>
</html>
`;

/** Builds into `outDir` (emptied first); returns the file names written. */
export async function buildConsole(outDir = DEFAULT_CONSOLE_DIR): Promise<string[]> {
  const ui = join(packageRoot, 'gateway', 'console', 'ui');
  await rm(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await build({
    entryPoints: { console: join(ui, 'main.ts'), style: join(ui, 'style.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    entryNames: '[name]-[hash]',
    outdir: assets,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((n) => /^console-[A-Z0-9]+\.js$/.test(n));
  const style = outputs.find((n) => /^style-[A-Z0-9]+\.css$/.test(n));
  if (!script || !style) throw new Error(`console build produced no script or style: ${outputs.join(', ')}`);
  await writeFile(join(outDir, 'index.html'), page(script, style));
  return ['index.html', ...(await readdir(assets)).map((n) => `assets/${n}`)];
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const files = await buildConsole(process.argv[2]);
  process.stdout.write(`console: ${files.length} files in ${process.argv[2] ?? DEFAULT_CONSOLE_DIR}\n`);
}
