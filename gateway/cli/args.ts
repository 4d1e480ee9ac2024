// The command line of every `termsgate` command. Node's util.parseArgs (strict) does the parsing, so
// there is no dependency and no tokenizer of our own; written here by hand is only what it lacks:
// usage text, --help/-h, subcommands, required options, positional counts and one error format.
// Exit codes: 0 ok, 1 the operation failed, 2 usage error (unknown option, missing value, missing
// required option or argument, unknown subcommand).
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Anything `termsgate …` can run: one line (or a few) of synopsis, and argv in, exit code out. */
export interface Command {
  synopsis: string;
  run(args: string[]): Promise<number>;
}

/** A failure reported as one line on stderr, exiting with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** A mistake in the command line: exit 2, and the usage follows the message. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];

export interface Parsed<O extends Options, R extends keyof O = never> {
  values: Values<O> & { [K in R]: NonNullable<Values<O>[K & keyof Values<O>]> };
  positionals: string[];
}

export interface Spec<O extends Options, R extends keyof O> {
  /** `termsgate audit export`: begins every message. */
  name: string;
  /** What follows `usage: `, e.g. `termsgate keys create --team T [--id ID]`; continuation lines allowed. */
  synopsis: string;
  /** Shown by --help below the synopsis (what the arguments mean, exit statuses). */
  detail?: string;
  options: O;
  /** Names of the positional arguments, `[NAME]` when optional; none when absent. */
  positionals?: readonly string[];
  required?: readonly R[];
  run(parsed: Parsed<O, R>): Promise<number>;
}

function wantsHelp(args: string[], options: Options): boolean {
  // The lenient pass tokenizes as the strict one does, so `--key -h` is a value, not a request for help.
  const { tokens } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/** parseArgs's message as one line; for an unknown option just its name, without the hint about `--`. */
function parseError(err: Error & { code?: string }, args: string[], options: Options): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
    const unknown = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(options, t.name));
    if (unknown?.kind === 'option') return `unknown option '${unknown.rawName}'`;
  }
  return err.message.replace(/\s*\n\s*/g, ' ');
}

function checkPositionals(given: string[], names: readonly string[]): void {
  const needed = names.filter((n) => !n.startsWith('['));
  if (given.length < needed.length) throw new UsageError(`missing ${needed[given.length]}`);
  if (given.length > names.length) throw new UsageError(`unexpected argument '${given[names.length]}'`);
}

/** Runs a command body, turning what it throws into one line on stderr and an exit code. */
async function report(name: string, synopsis: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write(`usage: ${synopsis}\n`);
    return err instanceof CliError ? err.code : 1;
  }
}

/** A command with options: --help prints its usage, mistakes exit 2, then `run` gets typed values. */
export function command<const O extends Options, const R extends keyof O & string = never>(spec: Spec<O, R>): Command {
  return {
    synopsis: spec.synopsis,
    run: async (args) => {
      if (wantsHelp(args, spec.options)) {
        process.stdout.write(`usage: ${spec.synopsis}\n${spec.detail ? spec.detail + '\n' : ''}`);
        return 0;
      }
      return report(spec.name, spec.synopsis, async () => {
        let parsed;
        try {
          parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
        } catch (err) {
          if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(parseError(err as Error, args, spec.options));
          throw err;
        }
        checkPositionals(parsed.positionals, spec.positionals ?? []);
        const given = parsed.values as Record<string, unknown>;
        const missing = (spec.required ?? []).find((r) => given[r] === undefined || given[r] === '');
        if (missing) throw new UsageError(`missing required option --${missing}`);
        return spec.run(parsed as Parsed<O, R>);
      });
    },
  };
}

/**
 * `NAME SUB …`: the first argument picks the subcommand. `NAME --help`, `-h` or `help` list them all
 * (then `note`, if any), `NAME help SUB` is `NAME SUB --help`; with no match the arguments go to
 * `fallback` when there is one (`termsgate witness --name …`), else it is a usage error.
 */
export function subcommands(name: string, table: Record<string, Command>, more: { fallback?: Command; note?: string } = {}): Command {
  const all = [...Object.values(table), ...(more.fallback ? [more.fallback] : [])];
  const synopsis = all.map((c) => c.synopsis).join('\n  ');
  const usage = `usage:\n  ${synopsis}\n${more.note ? more.note + '\n' : ''}`;
  const names = Object.keys(table).join(', ');
  const run = async ([first, ...rest]: string[]): Promise<number> => {
    if (first === 'help' && rest[0] !== undefined) return run([rest[0], '--help']);
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(usage);
      return 0;
    }
    if (first !== undefined && Object.hasOwn(table, first)) return table[first].run(rest);
    if (more.fallback) return more.fallback.run(first === undefined ? [] : [first, ...rest]);
    const what = first === undefined || first.startsWith('-') ? 'missing subcommand' : `unknown subcommand '${first}'`;
    process.stderr.write(`${name}: ${what} (one of: ${names})\n${usage}`);
    return 2;
  };
  return { synopsis, run };
}

/** An integer option from min (to max when given); a usage error otherwise. */
export function integer(value: string, option: string, min: number, max?: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UsageError(`--${option} must be an integer ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
  return n;
}
