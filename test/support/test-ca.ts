// A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made with the
// openssl command line at test time (Node's crypto generates keys but cannot issue X.509 certificates),
// so no private key is committed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate (PEM), what a client must trust. */
  caCert: string;
  /** Where caCert is written, for a configuration's caFile. */
  caFile: string;
  /** A server key and certificate for 127.0.0.1 and localhost, issued by the CA. */
  server: { key: string; cert: string };
  dispose(): void;
}

export function makeTestCa(name = 'termsgate test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-ca-'));
  const f = (n: string) => join(dir, n);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ecKey, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  return {
    caCert: readFileSync(f('ca.pem'), 'utf8'),
    caFile: f('ca.pem'),
    server: { key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
