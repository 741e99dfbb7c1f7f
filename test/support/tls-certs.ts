import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throw-away test CA, a server certificate for 127.0.0.1 and a client certificate. */
export interface TestCertificates {
  dir: string;
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** File contents, for servers started in process. */
  ca: string;
  serverCert: string;
  serverKey: string;
  remove(): void;
}

/** Generates the certificates with openssl into a fresh temporary directory (nothing is committed). */
export function generateTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'subgraph-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=subgraph test CA');
  const issue = (name: string, subject: string, extensions: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.pem`), '-days', '2', '-extfile', at(`${name}.ext`));
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=identity-subgraph', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caPath: at('ca.pem'),
    serverCertPath: at('server.pem'),
    serverKeyPath: at('server.key'),
    clientCertPath: at('client.pem'),
    clientKeyPath: at('client.key'),
    ca: readFileSync(at('ca.pem'), 'utf8'),
    serverCert: readFileSync(at('server.pem'), 'utf8'),
    serverKey: readFileSync(at('server.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
