// `termsgate keys create --team T [--purpose P] [--project P] [--id ID]`: prints a new virtual key
// once, and the line to add under `keys:` in the configuration (which holds only its hash).
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { hashSecret, newSecret } from '../core/secret-hash.js';

export async function run(args: string[], out: { write(s: string): unknown } = process.stdout): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        team: { type: 'string' },
        purpose: { type: 'string', multiple: true },
        project: { type: 'string', default: 'default' },
        id: { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`termsgate keys: ${(err as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'create' || !values.team) {
    process.stderr.write('usage: termsgate keys create --team T [--purpose P ...] [--project P] [--id ID]\n');
    return 2;
  }
  const key = newSecret('tg-');
  const purposes = values.purpose?.length ? values.purpose : ['general'];
  const entry = {
    id: values.id ?? `${values.team}-${key.slice(3, 11)}`,
    hash: hashSecret(key),
    team: values.team,
    project: values.project,
    defaultPurpose: purposes[0],
    allowedPurposes: purposes,
  };
  out.write(`virtual key (shown once, give it to the developer): ${key}\n\nadd under keys: in the configuration:\n`);
  out.write(stringify([entry]).replace(/^/gm, '  '));
  return 0;
}
