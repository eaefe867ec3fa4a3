// `tls: true`: a throwaway certificate authority made at start, and a leaf it signs for the names the
// emulator is reached by. A CA (rather than a lone self-signed leaf) lets clients trust it the usual ways:
// NODE_EXTRA_CA_CERTS, curl --cacert, a `ca:` option; Chromium can pin the leaf's key instead.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EmulatorTls } from '../types.js';

export interface TlsMaterial extends EmulatorTls {
  key: string;
  /** The leaf followed by the CA, so a client that lacks the chain still gets it. */
  certChain: string;
  dispose(): Promise<void>;
}

const HOUR = 3600_000;

/** Certificate for localhost, 127.0.0.1, ::1 and any other host name the emulator is told it is reached by. */
export async function createTlsMaterial(extraHosts: readonly string[] = []): Promise<TlsMaterial> {
  // Loaded only for `tls: true`, so the emulator without TLS needs nothing beyond its usual peers.
  let generate: typeof import('selfsigned').generate;
  try {
    ({ generate } = await import('selfsigned'));
  } catch {
    throw new Error('tls: true needs the selfsigned package (npm install -D selfsigned)');
  }
  const notBeforeDate = new Date(Date.now() - HOUR); // tolerate a little clock skew between processes
  const notAfterDate = new Date(Date.now() + 30 * 24 * HOUR);
  const ca = await generate([{ name: 'commonName', value: 'Scalekit emulator local CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });

  const names = new Set(['localhost', '127.0.0.1', '::1', ...extraHosts.filter((h) => h && h !== '0.0.0.0' && h !== '::')]);
  const altNames = [...names].map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });

  const spki = new X509Certificate(leaf.cert).publicKey.export({ type: 'spki', format: 'der' });
  const dir = await mkdtemp(path.join(tmpdir(), 'scalekit-emulator-'));
  const caPath = path.join(dir, 'ca.pem');
  await writeFile(caPath, ca.cert, { mode: 0o644 });
  return {
    caPem: ca.cert,
    caPath,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    key: leaf.private,
    certChain: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
