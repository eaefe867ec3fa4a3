// A local stand-in for Scalekit's sign-in endpoints, for tests of what the emulator cannot be made to do:
// tokens signed with a foreign key, alg=none, wrong claims, rotated keys. It serves `GET /keys` and
// `POST /oauth/token` (authorization_code with PKCE) and mints ID tokens with jose; the real SDK and
// scalekitRest() talk to it over loopback exactly as they talk to Scalekit.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface IssuedCode {
  codeChallenge: string;
  redirectUri: string;
  /** The ID token to answer with, given the standard claims; default: sign those with the current key. */
  idToken?: (claims: Record<string, unknown>) => Promise<string> | string;
  claims?: Record<string, unknown>;
}

export interface TokenServer {
  url: string;
  clientId: string;
  clientSecret: string;
  /** How many times GET /keys was served. */
  jwksFetches(): number;
  /** Mint a code as the IdP would, for the authorization URL the routes redirected to. */
  issueCode(authorizeUrl: string, options?: Omit<IssuedCode, 'codeChallenge' | 'redirectUri'>): string;
  sign(claims: Record<string, unknown>, options?: { key?: KeyPair; kid?: string; alg?: string }): Promise<string>;
  /** Replace the published key (a rotation); tokens signed after it use the new kid. */
  rotate(): Promise<void>;
  /** The token endpoint's next answers: an OAuth refusal. */
  refuseWith(answer: { status: number; error: string } | null): void;
  key: KeyPair;
  kid: string;
  close(): Promise<void>;
}

export async function startTokenServer(): Promise<TokenServer> {
  const clientId = 'skc_test_1';
  const clientSecret = `test_${randomBytes(16).toString('hex')}`;
  let key = await generateKeyPair('RS256', { extractable: true });
  let kid = 'key-1';
  let publicJwks: JWK[] = [];
  let fetches = 0;
  let refusal: { status: number; error: string } | null = null;
  const codes = new Map<string, IssuedCode & { nonce: string }>();

  async function publish() {
    publicJwks = [{ ...(await exportJWK(key.publicKey)), kid, alg: 'RS256', use: 'sig' }];
  }
  await publish();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/keys') {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: publicJwks }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          const answer = (status: number, json: unknown) => {
            res.statusCode = status;
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(json));
          };
          if (refusal) return answer(refusal.status, { error: refusal.error, error_description: 'refused by the test' });
          if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
            return answer(401, { error: 'invalid_client' });
          }
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (!code || code.codeChallenge !== challenge || code.redirectUri !== form.get('redirect_uri')) {
            return answer(400, { error: 'invalid_grant' });
          }
          const claims = {
            iss: api.url,
            aud: [clientId],
            sub: 'usr_1',
            email: 'alice@acme.test',
            email_verified: true,
            given_name: 'Alice',
            family_name: 'Liddell',
            name: 'Alice Liddell',
            oid: 'org_acme',
            nonce: code.nonce,
            identities: [{ connection_id: 'conn_acme', organization_id: 'org_acme', connection_type: 'OIDC', provider_name: 'OKTA', social: false }],
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 300,
            ...code.claims,
          };
          const idToken = code.idToken ? await code.idToken(claims) : await api.sign(claims);
          answer(200, { id_token: idToken, access_token: 'at_test', expires_in: 300, refresh_token: 'rt_test' });
        })();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const api: TokenServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    get key() {
      return key;
    },
    get kid() {
      return kid;
    },
    jwksFetches: () => fetches,
    issueCode(authorizeUrl, options = {}) {
      const query = new URL(authorizeUrl).searchParams;
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        ...options,
        nonce: query.get('nonce') ?? '',
        codeChallenge: query.get('code_challenge') ?? '',
        redirectUri: query.get('redirect_uri') ?? '',
      });
      return code;
    },
    async sign(claims, options = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
        .sign((options.key ?? key).privateKey);
    },
    async rotate() {
      key = await generateKeyPair('RS256', { extractable: true });
      kid = `key-${randomBytes(4).toString('hex')}`;
      await publish();
    },
    refuseWith(answer) {
      refusal = answer;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}
