// The argument helper: --help, exit codes 0/1/2 and one-line errors, on a toy command and on every
// real one (spawning the built CLI: `npx tsc -p tsconfig.json` first).
import t from 'tap';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError, command, integer, subcommands, UsageError, type Command } from './args.js';

async function capture(cmd: Command, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const { write: writeOut } = process.stdout;
  const { write: writeErr } = process.stderr;
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await cmd.run(args), out, err };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

const options = {
  key: { type: 'string' },
  tag: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
} as const;

/** A command that records what it was given, and throws `fail` when set. */
function toy(fail?: Error) {
  const seen: Array<{ values: Record<string, unknown>; positionals: string[] }> = [];
  const cmd = command({
    name: 'termsgate toy',
    synopsis: 'termsgate toy FILE [OUT] --key K [--tag T ...] [--json]',
    detail: 'a toy for the tests',
    options,
    positionals: ['FILE', '[OUT]'],
    required: ['key'],
    async run(parsed) {
      seen.push(parsed);
      if (fail) throw fail;
      return 0;
    },
  });
  return { cmd, seen };
}

t.test('parses typed values and positionals, then runs', async (t) => {
  const { cmd, seen } = toy();
  const r = await capture(cmd, ['in.txt', '--key', 'k', '--tag', 'a', '--tag=b', '--json']);
  t.same(r, { code: 0, out: '', err: '' });
  t.same(seen, [{ values: { key: 'k', tag: ['a', 'b'], json: true }, positionals: ['in.txt'] }]);
});

t.test('--help and -h print the usage to stdout and exit 0 without running', async (t) => {
  const { cmd, seen } = toy();
  for (const args of [['--help'], ['-h'], ['x', '--bogus', '--help']]) {
    const r = await capture(cmd, args);
    t.equal(r.code, 0, args.join(' '));
    t.equal(r.out, 'usage: termsgate toy FILE [OUT] --key K [--tag T ...] [--json]\na toy for the tests\n');
    t.equal(r.err, '');
  }
  t.equal(seen.length, 0);
  const value = await capture(cmd, ['x', '--key=-h']);
  t.equal(value.code, 0, '--key=-h is a value, not a request for help');
  const after = await capture(cmd, ['x', '--key', 'k', '--', '--help']);
  t.equal(after.code, 0);
  t.same(seen.at(-1)?.positionals, ['x', '--help'], 'after -- it is an argument');
});

t.test('usage errors exit 2 with one line naming the problem, then the usage', async (t) => {
  const cases: Array<[string[], string]> = [
    [['x', '--key', 'k', '--bogus'], "unknown option '--bogus'"],
    [['x', '--key', 'k', '-z'], "unknown option '-z'"],
    [['x', '--key'], "Option '--key <value>' argument missing"],
    [['x', '--key', 'k', '--json=yes'], "Option '--json' does not take an argument"],
    [['x'], 'missing required option --key'],
    [['x', '--key='], 'missing required option --key'],
    [['--key', 'k'], 'missing FILE'],
    [['x', 'y', 'z', '--key', 'k'], "unexpected argument 'z'"],
  ];
  for (const [args, message] of cases) {
    const { cmd, seen } = toy();
    const r = await capture(cmd, args);
    t.equal(r.code, 2, args.join(' '));
    t.equal(r.err, `termsgate toy: ${message}\nusage: termsgate toy FILE [OUT] --key K [--tag T ...] [--json]\n`);
    t.equal(r.out, '');
    t.equal(seen.length, 0);
  }
  const ambiguous = await capture(toy().cmd, ['x', '--key', '--json']);
  t.equal(ambiguous.code, 2);
  t.equal(ambiguous.err.split('\n').length, 3, 'a multi-line parseArgs message is folded onto one line');
});

t.test('what the command throws becomes one line and its exit code, never a stack trace', async (t) => {
  const args = ['x', '--key', 'k'];
  const failed = await capture(toy(new CliError('the store is locked')).cmd, args);
  t.same(failed, { code: 1, out: '', err: 'termsgate toy: the store is locked\n' });
  const coded = await capture(toy(new CliError('no audit log under /d', 2)).cmd, args);
  t.same(coded, { code: 2, out: '', err: 'termsgate toy: no audit log under /d\n' });
  const usage = await capture(toy(new UsageError('--format must be one of jsonl, csv')).cmd, args);
  t.equal(usage.code, 2);
  t.match(usage.err, /^termsgate toy: --format must be one of jsonl, csv\nusage: termsgate toy /);
  const bug = await capture(toy(new TypeError('x is not a function')).cmd, args);
  t.same(bug, { code: 1, out: '', err: 'termsgate toy: x is not a function\n' });
});

t.test('subcommands: the first argument picks one; help lists them; a wrong one exits 2', async (t) => {
  const { cmd: one, seen } = toy();
  const two = command({ name: 'termsgate box two', synopsis: 'termsgate box two', options: {}, run: async () => 0 });
  const box = subcommands('termsgate box', { one, two }, { note: 'more: termsgate box SUB --help' });
  const listing = 'usage:\n  termsgate toy FILE [OUT] --key K [--tag T ...] [--json]\n  termsgate box two\nmore: termsgate box SUB --help\n';

  t.equal((await capture(box, ['one', 'f', '--key', 'k'])).code, 0);
  t.same(seen[0].positionals, ['f']);
  for (const args of [['--help'], ['-h'], ['help']]) t.same(await capture(box, args), { code: 0, out: listing, err: '' }, args[0]);
  t.same(await capture(box, ['help', 'two']), { code: 0, out: 'usage: termsgate box two\n', err: '' }, 'help SUB is SUB --help');
  t.same(await capture(box, ['two', '-h']), { code: 0, out: 'usage: termsgate box two\n', err: '' });
  t.same(await capture(box, ['three']), { code: 2, out: '', err: `termsgate box: unknown subcommand 'three' (one of: one, two)\n${listing}` });
  t.same(await capture(box, []), { code: 2, out: '', err: `termsgate box: missing subcommand (one of: one, two)\n${listing}` });
  t.equal((await capture(box, ['--key', 'k'])).err.split('\n')[0], 'termsgate box: missing subcommand (one of: one, two)');
  t.equal((await capture(box, ['two', 'extra'])).code, 2, 'a subcommand checks its own arguments');

  const withFallback = subcommands('termsgate box', { two }, { fallback: one });
  t.equal((await capture(withFallback, ['f', '--key', 'k'])).code, 0, 'no subcommand: the fallback runs');
  t.same(seen.at(-1)?.positionals, ['f']);
  t.match((await capture(withFallback, [])).err, /^termsgate toy: missing FILE\n/);
});

t.test('integer options', async (t) => {
  t.equal(integer('8080', 'port', 0, 65535), 8080);
  t.equal(integer('0', 'words', 0), 0);
  t.throws(() => integer('65536', 'port', 0, 65535), new UsageError('--port must be an integer from 0 to 65535'));
  t.throws(() => integer('1.5', 'words', 0), new UsageError('--words must be an integer of at least 0'));
  t.throws(() => integer('x', 'words', 0), { code: 2 });
});

t.test('property: any unknown --option exits 2, names the option, and runs nothing', async (t) => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !Object.hasOwn(options, n) && n !== 'help');
  const known = fc.constantFrom<string[]>([], ['--json'], ['--tag', 't'], ['--key=v']);
  await fc.assert(
    fc.asyncProperty(name, fc.option(fc.string({ maxLength: 8 })), known, known, async (n, value, before, after) => {
      const { cmd, seen } = toy();
      const flag = value === null ? `--${n}` : `--${n}=${value}`;
      const r = await capture(cmd, ['x', '--key', 'k', ...before, flag, ...after]);
      const [line, usage, rest] = r.err.split('\n');
      return r.code === 2 && line === `termsgate toy: unknown option '--${n}'` && usage.startsWith('usage: ') && rest === '' && r.out === '' && seen.length === 0;
    }),
    { numRuns: 300 },
  );
});

t.test('property: any string value of a string option arrives unchanged', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ maxLength: 30 }), async (key, tag) => {
      const { cmd, seen } = toy();
      const r = await capture(cmd, ['x', `--key=${key}`, `--tag=${tag}`]);
      return r.code === 0 && seen[0].values.key === key && (seen[0].values.tag as string[])[0] === tag;
    }),
    { numRuns: 300 },
  );
});

t.test('every command and subcommand of the built CLI answers --help with its usage, exit 0', async (t) => {
  const main = fileURLToPath(new URL('../../dist/gateway/cli/main.js', import.meta.url));
  const cli = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  const commands = ['start', 'keys', 'mock-upstream', 'policy', 'audit', 'provenance', 'witness'];
  for (const args of [[], ['--help'], ['-h'], ['help']]) {
    const r = cli(args);
    t.equal(r.status, 0, `termsgate ${args.join(' ')}: ${r.stderr}`);
    for (const c of commands) t.match(r.stdout, `termsgate ${c} `, `termsgate ${args.join(' ')} lists ${c}`);
  }
  const subs = [
    ...commands.map((c) => [c]),
    ['keys', 'create'],
    ...['check', 'test', 'build', 'dry-run'].map((s) => ['policy', s]),
    ...['export', 'verify', 'purge-content'].map((s) => ['audit', s]),
    ['provenance', 'scan'],
    ['witness', 'keygen'],
  ];
  for (const words of subs) {
    const r = cli([...words, '--help']);
    t.equal(r.status, 0, `${words.join(' ')} --help: ${r.stderr}`);
    t.match(r.stdout, new RegExp(`^usage:\\s+termsgate ${words.join(' ')}`), `${words.join(' ')} --help prints its usage`);
    t.equal(r.stderr, '');
  }
  const unknown = cli(['frobnicate']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /^termsgate: unknown subcommand 'frobnicate'/);
  const bad = cli(['audit', 'verify', '--bogus']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /^termsgate audit verify: unknown option '--bogus'\nusage: termsgate audit verify /);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
