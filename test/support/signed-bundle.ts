// Test helper: re-packs an OPA bundle (.tar.gz) signed in OPA's format (.signatures.json, one JWS over every
// file's hash) with a key made in the test; `edit` changes the unpacked files before signing or after it.
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { c as tarCreate, x as untar } from 'tar';
import { bundleFileHash, SIGNATURES_FILE } from '../../gateway/policy/bundle-signature.js';

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

export const publicPem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();

/** `sign` null: no .signatures.json. `edit` runs after signing (a tampered bundle) unless `editFirst`. */
export async function signedBundle(bundle: Buffer, sign: { key: KeyObject; alg: string } | null, edit?: (dir: string) => Promise<void>, editFirst = false): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'tg-signed-'));
  const dir = join(work, 'b');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir);
  await writeFile(join(work, 'in.tar.gz'), bundle);
  await untar({ file: join(work, 'in.tar.gz'), cwd: dir });
  if (edit && editFirst) await edit(dir);
  if (sign) {
    const files = await Promise.all((await filesUnder(dir)).map(async (name) => ({ name, hash: bundleFileHash({ name, bytes: await readFile(join(dir, name)) }), algorithm: 'SHA-256' })));
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ files, iss: 'test' }))).setProtectedHeader({ alg: sign.alg }).sign(sign.key);
    await writeFile(join(dir, SIGNATURES_FILE), JSON.stringify({ signatures: [jws] }));
  }
  if (edit && !editFirst) await edit(dir);
  await tarCreate({ gzip: true, cwd: dir, file: join(work, 'out.tar.gz'), portable: true }, await filesUnder(dir));
  return readFile(join(work, 'out.tar.gz'));
}
