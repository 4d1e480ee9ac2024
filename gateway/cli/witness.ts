// `termsgate witness keygen --name NAME --key FILE` and
// `termsgate witness --name NAME --key FILE --state-dir DIR --log-key FILE ... [--host H] [--port N]`:
// a C2SP tlog-witness in its own process, with its own key and state, apart from any gateway.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cosignerVerifierKey } from '../tlog/cosignature.js';
import { publicKeyRawBytes } from '../signing/keys.js';
import { startWitness } from '../witness/witness-server.js';
import { WitnessState } from '../witness/witness-state.js';

const usage = `usage:
  termsgate witness keygen --name NAME --key FILE          (writes an Ed25519 key, prints the witness vkey)
  termsgate witness --name NAME --key FILE --state-dir DIR --log-key FILE [--log-key FILE ...] [--host H] [--port N]`;

function fail(message: string, code = 2): number {
  process.stderr.write(`termsgate witness: ${message}\n`);
  return code;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        key: { type: 'string' },
        'state-dir': { type: 'string' },
        'log-key': { type: 'string', multiple: true },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n${usage}`);
  }
  const v = parsed.values;
  if (!v.name || !v.key) return fail(usage);
  if (parsed.positionals[0] === 'keygen') {
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(v.key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      return fail(`cannot create ${v.key}: ${(err as Error).message}`, 1);
    }
    process.stdout.write(cosignerVerifierKey(v.name, publicKeyRawBytes(createPublicKey(privateKey))) + '\n');
    return 0;
  }
  if (parsed.positionals.length > 0) return fail(usage);
  if (!v['state-dir'] || !v['log-key']?.length) return fail(usage);
  const port = Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail('--port must be an integer from 0 to 65535');
  let cosigner;
  const logKeys = new Map<string, string[]>();
  try {
    const privateKey = createPrivateKey(readFileSync(v.key, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the witness key must be Ed25519');
    cosigner = { name: v.name, publicKeyRaw: publicKeyRawBytes(createPublicKey(privateKey)), sign: (m: Uint8Array) => sign(null, m, privateKey) };
    for (const file of v['log-key']) {
      const vkey = readFileSync(file, 'utf8').trim();
      const origin = vkey.split('+')[0];
      logKeys.set(origin, [...(logKeys.get(origin) ?? []), vkey]);
    }
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  const witness = await startWitness({ cosigner, logKeys, state: new WitnessState(v['state-dir']), host: v.host, port });
  process.stdout.write(`witness ${v.name} listening on ${witness.url}\nvkey ${cosignerVerifierKey(v.name, cosigner.publicKeyRaw)}\n`);
  const stop = () => void witness.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return await new Promise<number>(() => undefined);
}
