#!/usr/bin/env node
// `termsgate <command> …`: each command lives in its own module exporting run(args) → exit code.
const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  start: () => import('./start.js'),
  keys: () => import('./keys.js'),
  'mock-upstream': () => import('./mock-upstream.js'),
  policy: () => import('./policy.js'),
  audit: () => import('./audit.js'),
  provenance: () => import('./provenance.js'),
  witness: () => import('./witness.js'),
};

const usage = `usage: termsgate <command> [options]
  start [--config FILE] [--port N] [--data-dir DIR] [--demo]
  keys create --team T [--purpose P] [--project P]
  mock-upstream [--port N]
  policy check|test|build [DIR] | policy dry-run --candidate DIR [--last N]
  audit verify [--data-dir DIR | EXPORT_FILE] | audit export --format jsonl|csv|parquet [...]
  provenance scan FILE [--data-dir DIR] [--format jsonl]
  witness keygen --name NAME --key FILE | witness --name NAME --key FILE --state-dir DIR --log-key FILE ...`;

const [name, ...rest] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  process.stderr.write(usage + '\n');
  process.exitCode = name === undefined || name === '--help' ? 0 : 2;
} else {
  const code = await (await load()).run(rest);
  process.exitCode = code;
}
