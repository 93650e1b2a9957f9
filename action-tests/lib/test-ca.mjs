// A throwaway certificate authority for the private-CA tests: openssl at test time makes a CA and a
// server certificate for the given names (DNS names and IP addresses), signed by it. Nothing trusts
// the CA until a test names it (NODE_EXTRA_CA_CERTS, or `ca`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeTestCa(names, dir = mkdtempSync(join(tmpdir(), 'dk-test-ca-'))) {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=deploy-kit test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names[0]}`);
  const alt = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  writeFileSync(
    ext,
    `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  openssl('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext);
  return { dir, ca, cert, key };
}
