// The systems under test, each started as its own child process against the one mock provider.
// A system that cannot start is reported as unavailable with the reason; the run goes on.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startChild, waitReady, type Child } from './children.js';
import { freePort } from './free-port.js';
import { installLitellm, installPortkey } from './installers.js';
import type { Target } from './load.js';
import { chatBody } from './request-body.js';
import { litellmConfigYaml, termsgateConfigYaml } from './termsgate-config.js';

export interface BenchContext {
  repoRoot: string;
  tmpDir: string;
  logDir: string;
  /** Origin of the mock provider, e.g. http://127.0.0.1:PORT. */
  mockUrl: string;
  mockPid: number;
  /** The fake provider key every system sends upstream. */
  providerKey: string;
  /** Extra node flags for the termsgate process (e.g. --cpu-prof). */
  termsgateNodeArgs: string[];
}

export interface RunningSystem {
  target: Target;
  /** The process whose tree is measured for memory. */
  pid: number;
  /** termsgate's data directory (audit, provenance, …), for the soak's disk figures. */
  dataDir?: string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SystemSpec {
  name: string;
  /** What it takes to start, for the report. */
  howStarted: string;
  start(ctx: BenchContext): Promise<RunningSystem>;
}

const node = process.execPath;

async function ready(child: Child, url: string, timeoutMs: number, ok?: (status: number) => boolean): Promise<void> {
  const why = await waitReady(child, url, timeoutMs, ok);
  if (why) {
    await child.stop();
    throw new Error(why);
  }
}

function running(child: Child, target: Target): RunningSystem {
  return { target, pid: child.pid, stop: (graceMs) => child.stop(graceMs) };
}

const direct: SystemSpec = {
  name: 'mock direct',
  howStarted: 'the mock provider itself (termsgate mock-upstream), no gateway',
  async start(ctx) {
    return {
      target: { url: `${ctx.mockUrl}/v1/chat/completions`, headers: { authorization: `Bearer ${ctx.providerKey}` } },
      pid: ctx.mockPid,
      stop: async () => {},
    };
  },
};

const bare: SystemSpec = {
  name: 'bare forwarder',
  howStarted: 'node dist/bench/bare-forwarder.js (fastify + @fastify/http-proxy)',
  async start(ctx) {
    const port = await freePort();
    const child = startChild({
      name: 'bare-forwarder',
      command: node,
      args: [join(ctx.repoRoot, 'dist/bench/bare-forwarder.js'), '--port', String(port), '--upstream', ctx.mockUrl],
      logDir: ctx.logDir,
    });
    await ready(child, `http://127.0.0.1:${port}/`, 15_000);
    return running(child, { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${ctx.providerKey}` } });
  },
};

const termsgate: SystemSpec = {
  name: 'termsgate',
  howStarted: 'node dist/gateway/cli/main.js start --config <generated YAML> (full pipeline: policy, watermark, audit, feed)',
  async start(ctx) {
    const main = join(ctx.repoRoot, 'dist/gateway/cli/main.js');
    if (!existsSync(join(ctx.repoRoot, 'dist/gateway/cli/start.js'))) throw new Error('dist/gateway/cli/start.js is not built yet');
    const port = await freePort();
    const dir = join(ctx.tmpDir, `termsgate-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const virtualKey = 'tg-bench-' + randomBytes(18).toString('base64url');
    const providerKeyEnv = 'BENCH_PROVIDER_KEY';
    const configFile = join(dir, 'termsgate.yaml');
    writeFileSync(
      configFile,
      termsgateConfigYaml({ mockUrl: ctx.mockUrl, port, dataDir: join(dir, 'data'), policyDir: join(ctx.repoRoot, 'policies'), virtualKey, providerKeyEnv }),
    );
    const child = startChild({
      name: 'termsgate',
      command: node,
      args: [...ctx.termsgateNodeArgs, main, 'start', '--config', configFile, '--port', String(port), '--data-dir', join(dir, 'data')],
      logDir: ctx.logDir,
      env: { [providerKeyEnv]: ctx.providerKey, NODE_ENV: 'production' },
      cwd: ctx.repoRoot,
    });
    await ready(child, `http://127.0.0.1:${port}/readyz`, 30_000, (s) => s === 200);
    return { ...running(child, { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${virtualKey}` } }), dataDir: join(dir, 'data') };
  },
};

const portkey: SystemSpec = {
  name: 'Portkey',
  howStarted:
    'npm @portkey-ai/gateway (pinned, bench/tmp/portkey; streaming fix of upstream PR #1551 applied): node build/start-server.js --port=N --headless; headers x-portkey-provider: openai, x-portkey-custom-host',
  async start(ctx) {
    const script = installPortkey(ctx.tmpDir, ctx.repoRoot);
    const port = await freePort();
    const child = startChild({
      name: 'portkey',
      command: node,
      args: [script, `--port=${port}`, '--headless'],
      logDir: ctx.logDir,
      env: { NODE_ENV: 'production' },
    });
    await ready(child, `http://127.0.0.1:${port}/`, 30_000, (s) => s === 200);
    return running(child, {
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: {
        authorization: `Bearer ${ctx.providerKey}`,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${ctx.mockUrl}/v1`,
      },
    });
  },
};

const litellm: SystemSpec = {
  name: 'LiteLLM',
  howStarted: 'PyPI litellm[proxy] (pinned, venv bench/tmp/litellm-venv): litellm --config <generated YAML> --host 127.0.0.1 --port N',
  async start(ctx) {
    const bin = installLitellm(ctx.tmpDir, ctx.repoRoot);
    const port = await freePort();
    const configFile = join(ctx.tmpDir, 'litellm.yaml');
    writeFileSync(configFile, litellmConfigYaml({ mockUrl: ctx.mockUrl, providerKey: ctx.providerKey }));
    const child = startChild({
      name: 'litellm',
      command: bin,
      args: ['--config', configFile, '--host', '127.0.0.1', '--port', String(port)],
      logDir: ctx.logDir,
      // Keep it off the network: the cost map ships inside the package, telemetry stays off.
      env: { LITELLM_LOCAL_MODEL_COST_MAP: 'True', LITELLM_TELEMETRY: 'False' },
    });
    await ready(child, `http://127.0.0.1:${port}/health/liveliness`, 90_000, (s) => s === 200);
    return running(child, { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench-client' } });
  },
};

export const allSystems: SystemSpec[] = [direct, bare, termsgate, portkey, litellm];

/** One request must succeed before a mode is loaded; returns the reason when it does not. */
export async function probe(target: Target, stream: boolean): Promise<string | null> {
  const kind = stream ? 'streaming' : 'non-streaming';
  try {
    const res = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: chatBody(stream),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return `${kind} probe: HTTP ${res.statusCode} ${text.slice(0, 300)}`;
    if (!text.includes('choices')) return `${kind} probe: no choices in the answer`;
    return null;
  } catch (err) {
    return `${kind} probe: ${(err as Error).message}`;
  }
}
