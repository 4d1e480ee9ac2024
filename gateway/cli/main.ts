#!/usr/bin/env node
// `termsgate <command> …`: each command lives in its own module exporting run(args) → exit code,
// loaded only when chosen (start pulls in the whole gateway; --help should not).
import { subcommands, type Command } from './args.js';

const lazy = (synopsis: string, load: () => Promise<{ run(args: string[]): Promise<number> }>): Command => ({
  synopsis,
  run: async (args) => (await load()).run(args),
});

const termsgate = subcommands('termsgate', {
  start: lazy('termsgate start [--config FILE] [--port N] [--host H] [--data-dir DIR] [--demo]', () => import('./start.js')),
  keys: lazy('termsgate keys create|list|revoke|rotate [...]', () => import('./keys.js')),
  usage: lazy('termsgate usage --by team|key|model|provider [--from T] [--to T] [--format table|csv|json]', () => import('./usage.js')),
  'mock-upstream': lazy('termsgate mock-upstream [--port N] [--latency-ms N] [--words N] [...]', () => import('./mock-upstream.js')),
  policy: lazy('termsgate policy check|test|build [DIR] | policy dry-run --candidate DIR [--last N]', () => import('./policy.js')),
  audit: lazy('termsgate audit export|verify|purge-content [...]', () => import('./audit.js')),
  provenance: lazy('termsgate provenance scan FILE [--data-dir DIR] [--format text|jsonl]', () => import('./provenance.js')),
  witness: lazy('termsgate witness keygen --name NAME --key FILE | witness --name NAME --key FILE --state-dir DIR --log-key FILE ...', () => import('./witness.js')),
}, { note: "'termsgate <command> --help' shows a command's usage in full" });

const args = process.argv.slice(2);
// A bare `termsgate` has always printed the usage and exited 0.
process.exitCode = await termsgate.run(args.length === 0 ? ['--help'] : args);
