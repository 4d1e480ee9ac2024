// `termsgate witness keygen --name NAME --key FILE` and
// `termsgate witness --name NAME --key FILE --state-dir DIR --log-key FILE ... [--host H] [--port N]`:
// a C2SP tlog-witness in its own process, with its own key and state, apart from any gateway.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cosignerVerifierKey } from '../tlog/cosignature.js';
import { publicKeyRawBytes } from '../signing/keys.js';
import { startWitness } from '../witness/witness-server.js';
import { WitnessState } from '../witness/witness-state.js';
import { CliError, command, integer, subcommands } from './args.js';

const keygen = command({
  name: 'termsgate witness keygen',
  synopsis: 'termsgate witness keygen --name NAME --key FILE',
  detail: 'writes a new Ed25519 key to FILE (never over an existing one) and prints the witness vkey',
  options: { name: { type: 'string' }, key: { type: 'string' } },
  required: ['name', 'key'],
  async run({ values: v }) {
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(v.key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw new CliError(`cannot create ${v.key}: ${(err as Error).message}`);
    }
    process.stdout.write(cosignerVerifierKey(v.name, publicKeyRawBytes(createPublicKey(privateKey))) + '\n');
    return 0;
  },
});

const serve = command({
  name: 'termsgate witness',
  synopsis: 'termsgate witness --name NAME --key FILE --state-dir DIR --log-key FILE [--log-key FILE ...] [--host H] [--port N]',
  detail: 'serves the C2SP tlog-witness API, cosigning checkpoints of the logs whose keys are given',
  options: {
    name: { type: 'string' },
    key: { type: 'string' },
    'state-dir': { type: 'string' },
    'log-key': { type: 'string', multiple: true },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
  },
  required: ['name', 'key', 'state-dir', 'log-key'],
  async run({ values: v }) {
    const port = integer(v.port, 'port', 0, 65535);
    const privateKey = createPrivateKey(readFileSync(v.key, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the witness key must be Ed25519');
    const cosigner = { name: v.name, publicKeyRaw: publicKeyRawBytes(createPublicKey(privateKey)), sign: (m: Uint8Array) => sign(null, m, privateKey) };
    const logKeys = new Map<string, string[]>();
    for (const file of v['log-key']) {
      const vkey = readFileSync(file, 'utf8').trim();
      const origin = vkey.split('+')[0];
      logKeys.set(origin, [...(logKeys.get(origin) ?? []), vkey]);
    }
    const witness = await startWitness({ cosigner, logKeys, state: new WitnessState(v['state-dir']), host: v.host, port });
    process.stdout.write(`witness ${v.name} listening on ${witness.url}\nvkey ${cosignerVerifierKey(v.name, cosigner.publicKeyRaw)}\n`);
    const stop = () => void witness.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return await new Promise<number>(() => undefined);
  },
});

const cli = subcommands('termsgate witness', { keygen }, { fallback: serve });

export const run = (args: string[]): Promise<number> => cli.run(args);
