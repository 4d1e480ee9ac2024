// `termsgate keys create --team T [--purpose P] [--project P] [--id ID]`: prints a new virtual key
// once, and the line to add under `keys:` in the configuration (which holds only its hash).
import { stringify } from 'yaml';
import { hashSecret, newSecret } from '../core/secret-hash.js';
import { command, subcommands } from './args.js';

export async function run(args: string[], out: { write(s: string): unknown } = process.stdout): Promise<number> {
  const create = command({
    name: 'termsgate keys create',
    synopsis: 'termsgate keys create --team T [--purpose P ...] [--project P] [--id ID]',
    options: {
      team: { type: 'string' },
      purpose: { type: 'string', multiple: true },
      project: { type: 'string', default: 'default' },
      id: { type: 'string' },
    },
    required: ['team'],
    async run({ values }) {
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
    },
  });
  return subcommands('termsgate keys', { create }).run(args);
}
