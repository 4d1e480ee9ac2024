// The console's built files, read once into memory: the index page and content-hashed assets.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join } from 'node:path';
import { packageRoot } from '../core/package-root.js';

/** Where `make build` puts the console (the gateway never imports the bundler). */
export const DEFAULT_CONSOLE_DIR = join(packageRoot, 'dist', 'console');

/** The directory the gateway serves the console from: TERMSGATE_CONSOLE_DIR (a build of one's own) or the default. */
export const consoleDir = (env: NodeJS.ProcessEnv = process.env): string => env.TERMSGATE_CONSOLE_DIR || DEFAULT_CONSOLE_DIR;

export interface ConsoleFile {
  body: Buffer;
  type: string;
  etag: string;
}

export interface ConsoleFiles {
  index: ConsoleFile | null;
  assets: Map<string, ConsoleFile>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function file(path: string): ConsoleFile {
  const body = readFileSync(path);
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Reads `dir` (the output of buildConsole); a missing build gives no index, so /console can say so. */
export function readConsoleFiles(dir: string): ConsoleFiles {
  const assets = new Map<string, ConsoleFile>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) for (const name of readdirSync(assetDir)) assets.set(name, file(join(assetDir, name)));
  const indexPath = join(dir, 'index.html');
  return { index: existsSync(indexPath) ? file(indexPath) : null, assets };
}
