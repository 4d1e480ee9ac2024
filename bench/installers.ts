// On-demand installs of the systems compared against, into bench/tmp/ (gitignored): never project
// dependencies, never part of `make test`. Versions are pinned so runs stay comparable.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PORTKEY_VERSION = '1.15.2';
// The newest litellm whose [proxy] extra resolves on PyPI at the time of writing (1.108+ pins
// litellm-proxy packages that were never published).
export const LITELLM_VERSION = '1.100.5';

const INSTALL_TIMEOUT_MS = 10 * 60_000;

function run(command: string, args: string[], cwd: string): string | null {
  const res = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT_MS, encoding: 'utf8' });
  if (res.error) return `${command}: ${res.error.message}`;
  if (res.status !== 0) return `${command} ${args.join(' ')} exited ${res.status}: ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}

// Portkey's Node build fails every streamed call with `TypeError: immutable`: it appends its headers
// to the provider's fetch Response (Portkey-AI/gateway#1550, #1389). The harness applies the fix
// proposed upstream (PR #1551: copy the mapped streaming response before adding headers), so
// Portkey's streaming is measured at all; everything else runs as published.
const PORTKEY_PATCH_FROM = 'this.updateHeaders(i,n.cacheStatus,o),{response:i';
const PORTKEY_PATCH_TO = `r&&this.context.isStreaming&&(i=new Response(i.body,{status:i.status,statusText:i.statusText,headers:i.headers})),${PORTKEY_PATCH_FROM}`;

function patchPortkeyStreaming(script: string): void {
  const code = readFileSync(script, 'utf8');
  if (code.includes(PORTKEY_PATCH_TO)) return;
  if (!code.includes(PORTKEY_PATCH_FROM)) {
    process.stderr.write('bench: Portkey streaming patch does not apply to this build; its streaming may fail\n');
    return;
  }
  writeFileSync(script, code.replace(PORTKEY_PATCH_FROM, PORTKEY_PATCH_TO));
}

/** Installs Portkey's gateway; resolves to its server script, or throws with the reason. */
export function installPortkey(tmpDir: string, repoRoot: string): string {
  const prefix = join(tmpDir, 'portkey');
  const pkgDir = join(prefix, 'node_modules', '@portkey-ai', 'gateway');
  const script = join(pkgDir, 'build', 'start-server.js');
  const installed = existsSync(join(pkgDir, 'package.json')) && JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version === PORTKEY_VERSION;
  if (!installed) {
    process.stderr.write(`bench: installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${prefix}\n`);
    // Other engineers install into the project concurrently; npm's cache is shared, so take the team's lock.
    const npm = ['npm', 'install', '--no-audit', '--no-fund', '--prefix', prefix, `@portkey-ai/gateway@${PORTKEY_VERSION}`];
    const err = existsSync('/usr/bin/flock') ? run('flock', ['/tmp/npm.lock', ...npm], repoRoot) : run(npm[0], npm.slice(1), repoRoot);
    if (err) throw new Error(`Portkey install failed: ${err}`);
  }
  if (!existsSync(script)) throw new Error(`Portkey installed but ${script} is missing`);
  patchPortkeyStreaming(script);
  return script;
}

/** Installs LiteLLM's proxy into a virtual environment; resolves to its `litellm` executable. */
export function installLitellm(tmpDir: string, repoRoot: string): string {
  const venv = join(tmpDir, 'litellm-venv');
  const bin = join(venv, 'bin', 'litellm');
  const marker = join(venv, '.bench-installed');
  if (existsSync(bin) && existsSync(marker) && readFileSync(marker, 'utf8') === LITELLM_VERSION) return bin;
  process.stderr.write(`bench: installing litellm[proxy]==${LITELLM_VERSION} into ${venv} (takes a few minutes)\n`);
  const errVenv = existsSync(join(venv, 'bin', 'python3')) ? null : run('python3', ['-m', 'venv', venv], repoRoot);
  if (errVenv) throw new Error(`LiteLLM venv failed: ${errVenv}`);
  const err = run(join(venv, 'bin', 'pip'), ['install', '-q', `litellm[proxy]==${LITELLM_VERSION}`], repoRoot);
  if (err) throw new Error(`LiteLLM install failed: ${err}`);
  if (!existsSync(bin)) throw new Error(`LiteLLM installed but ${bin} is missing`);
  writeFileSync(marker, LITELLM_VERSION);
  return bin;
}
