// The policy sandbox: which built-ins it removes, what opa sees of the process, and its limits.
import t from 'tap';
import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPA_LIMITS } from './opa-cli.js';
import { OpaSandbox, sandboxCapabilitiesJson, withSandbox } from './opa-sandbox.js';
import { REMOVED_BUILTINS, explainRemovedBuiltins, removedBuiltin, sandboxCapabilities, type Capabilities } from './removed-builtins.js';
import { buildStep, testStep, validateDir } from './steps.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSources, type SourceFile } from '../revision.js';

const CANARY = 'canary-env-' + Math.random().toString(36).slice(2);
process.env.TERMSGATE_SANDBOX_CANARY = CANARY;

async function current(): Promise<Capabilities> {
  const sandbox = await OpaSandbox.open([]);
  try {
    return JSON.parse((await sandbox.run(['capabilities', '--current'])).stdout) as Capabilities;
  } finally {
    await sandbox.close();
  }
}

async function candidate(files: SourceFile[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-sandbox-'));
  await writeSources(dir, files);
  return dir;
}

/** A loopback server that records every request it gets and answers with a canary body. */
async function canaryServer(t: Tap.Test) {
  const hits: string[] = [];
  const body = 'canary-body-' + Math.random().toString(36).slice(2);
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end(JSON.stringify({ type: 'object', secret: body }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, body };
}

t.test('every removed entry names built-ins this opa has; the sandbox capabilities hold none of them', async (t) => {
  const caps = await current();
  for (const r of REMOVED_BUILTINS) t.ok(caps.builtins.some((b) => removedBuiltin(b.name) === r), `${r.name} matches a built-in of opa`);
  const sandboxed = JSON.parse(await sandboxCapabilitiesJson()) as Capabilities;
  const names = new Set(sandboxed.builtins.map((b) => b.name));
  for (const n of ['http.send', 'net.lookup_ip_addr', 'net.cidr_contains', 'opa.runtime', 'json.verify_schema', 'json.match_schema']) t.notOk(names.has(n), `${n} removed`);
  t.equal(names.size, caps.builtins.filter((b) => !removedBuiltin(b.name)).length, 'everything else is kept');
  t.ok(names.has('sprintf') && names.has('json.marshal') && names.has('time.now_ns'));
  t.same(sandboxed.features, caps.features, 'language features unchanged');
});

t.test('removedBuiltin: a namespace entry covers every name under it and nothing beside it', async (t) => {
  const segment = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/);
  fc.assert(
    fc.property(fc.constantFrom('http', 'net'), fc.array(segment, { minLength: 1, maxLength: 3 }), (ns, rest) => removedBuiltin([ns, ...rest].join('.')) !== undefined),
  );
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (parts) => {
      const name = parts.join('.');
      const expected = /^(http|net)\./.test(name) || ['opa.runtime', 'json.verify_schema', 'json.match_schema'].includes(name);
      return (removedBuiltin(name) !== undefined) === expected;
    }),
  );
  t.notOk(removedBuiltin('https.send'));
  t.notOk(removedBuiltin('opa.runtime_x'));
  const caps: Capabilities = { builtins: [{ name: 'http.send' }, { name: 'count' }], features: ['x'] };
  t.same(sandboxCapabilities(caps), { builtins: [{ name: 'count' }], features: ['x'] });
  t.equal(explainRemovedBuiltins('p.rego:1: undefined function count2'), 'p.rego:1: undefined function count2', 'other errors pass unchanged');
});

t.test('opa sees only PATH, HOME and TMPDIR, both inside the sandbox', async (t) => {
  await withSandbox([], async (sandbox) => {
    const r = await sandbox.run(['eval', '--format', 'json', 'opa.runtime().env']);
    t.equal(r.code, 0, r.stderr);
    const env = JSON.parse(r.stdout).result[0].expressions[0].value as Record<string, string>;
    t.same(Object.keys(env).sort(), ['HOME', 'PATH', 'TMPDIR']);
    t.same(env, { PATH: '/usr/bin:/bin', HOME: '<sandbox>/home', TMPDIR: '<sandbox>/tmp' }, 'the sandbox path is cut from the output');
    t.notMatch(r.stdout, CANARY);
  });
});

t.test('a test printing opa.runtime().env is refused at check, naming the built-in', async (t) => {
  const dir = await candidate([{ path: 'x/leak_test.rego', content: 'package x\n\ntest_env if {\n\tprint(opa.runtime().env)\n}\n' }]);
  const r = await validateDir(dir);
  t.notOk(r.ok);
  t.same(r.steps.map((s) => [s.step, s.ok]), [['schema', true], ['fmt', true], ['check', false]]);
  t.match(r.steps[2].output, /built-in opa\.runtime is not available to policies: it returns the process environment/);
  t.notMatch(JSON.stringify(r), CANARY);
});

t.test('http.send, net.lookup_ip_addr and a schema $ref never reach a loopback server', async (t) => {
  const server = await canaryServer(t);
  const tries: Record<string, string> = {
    'http.send': `r := http.send({"method": "GET", "url": "${server.url}/http"})\n\tprint(r.body)`,
    'net.lookup_ip_addr': 'print(net.lookup_ip_addr("localhost"))',
    'json.verify_schema': `print(json.verify_schema({"$ref": "${server.url}/schema"}))`,
    'json.match_schema': `print(json.match_schema({}, {"$ref": "${server.url}/match"}))`,
  };
  for (const [builtin, body] of Object.entries(tries)) {
    const dir = await candidate([{ path: 'x/fetch_test.rego', content: `package x\n\ntest_fetch if {\n\t${body}\n\tfalse\n}\n` }]);
    const r = await validateDir(dir);
    t.notOk(r.ok, builtin);
    t.equal(r.steps.at(-1)!.step, 'check', `${builtin} refused at check`);
    t.match(r.steps.at(-1)!.output, `built-in ${builtin} is not available to policies`);
    t.notMatch(JSON.stringify(r), server.body);
  }
  // Rules, not only tests: the build step refuses them too (check is skipped here on purpose).
  const rule = [{ path: 'x/rule.rego', content: `package x\n\nfetched := http.send({"method": "GET", "url": "${server.url}/rule"}).body\n` }];
  const build = await withSandbox(rule, async (sandbox) => buildStep(sandbox, join(sandbox.outDir, 'b.tar.gz'), 'r'));
  t.notOk(build.ok);
  t.match(build.output, /built-in http\.send is not available/);
  t.same(server.hits, [], 'no request reached the server');
});

t.test('limits: memory, CPU time, wall clock and output stop opa with a plain message', async (t) => {
  const limits = { ...OPA_LIMITS, cpuSeconds: 1, memoryBytes: 192 * 1024 ** 2, wallMs: 20_000, outputBytes: 64 * 1024 };
  const run = async (body: string, l = limits) => {
    const files = [{ path: 'x/hog_test.rego', content: `package x\n\ntest_hog if {\n\t${body}\n}\n` }];
    const r = await withSandbox(files, (sandbox) => testStep(sandbox, 0), l);
    t.notOk(r.ok);
    return r;
  };
  const memory = await run('count(numbers.range(1, 400000000)) > 0', { ...limits, cpuSeconds: 30 });
  t.equal(memory.step, 'test');
  // Under a data limit Go mostly reports the failed allocation, sometimes only a crash (SIGSEGV in a stack grow).
  t.match(memory.output, /^opa (stopped: it needed more than 192 MiB of memory|crashed: SIG)/);
  t.notMatch(memory.output, /goroutine|runtime\./, 'no Go stack dump');
  const spin = 'xs := numbers.range(1, 3000)\n\tcount([1 | some i in xs; some j in xs; i == -j]) > 0';
  t.match((await run(spin)).output, /more than 1 s of CPU time/);
  t.match((await run(spin, { ...limits, cpuSeconds: 60, wallMs: 1500 })).output, /ran longer than 1.5 s/);
  const noisy = 'print(concat("", [s | some i in numbers.range(1, 20000); s := "0123456789"]))\n\tfalse';
  const output = await run(noisy);
  t.match(output.output, /wrote more than 64 KiB of output/);
  t.ok(output.output.length < 1000);
});
