// No input to any emulator route may produce a 5xx: every control, portal, token and REST route gets every
// method, several media types and empty, huge, chunked, garbage and wrongly typed bodies, and must answer 4xx
// (or 2xx where the request happens to be valid). gRPC on an unknown service or method answers UNIMPLEMENTED.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { UserService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/users/users_pb.js';
import { startEmulator, type Emulator } from '../src/index.js';
import { portalSession } from './support/portal-api.js';

const ORG = 'org_acme';
const ID = '00000000-0000-4000-8000-000000000000';

/** Every route the emulator serves over HTTP (paths with sample parameters). */
const ROUTES: ReadonlyArray<[string, string]> = [
  ['POST', '/oauth/token'],
  ['GET', '/_emulator/stats'],
  ['POST', '/_emulator/faults'],
  ['POST', '/_emulator/reset'],
  ['GET', '/_emulator/branding'],
  ['PUT', '/_emulator/branding'],
  ['DELETE', '/_emulator/branding'],
  ['GET', '/_emulator/webhooks'],
  ['PUT', '/_emulator/webhooks'],
  ['DELETE', '/_emulator/webhooks'],
  ['GET', '/_emulator/webhooks/deliveries'],
  ['GET', `/_emulator/directory/${ORG}`],
  ['POST', `/_emulator/directory/${ORG}/enable`],
  ['POST', `/_emulator/directory/${ORG}/disable`],
  ['POST', `/_emulator/directory/${ORG}/users`],
  ['PATCH', `/_emulator/directory/${ORG}/users/diruser_1`],
  ['POST', `/_emulator/directory/${ORG}/users/diruser_1/deactivate`],
  ['DELETE', `/_emulator/directory/${ORG}/users/diruser_1`],
  ['POST', `/_emulator/directory/${ORG}/groups`],
  ['PATCH', `/_emulator/directory/${ORG}/groups/dirgroup_1`],
  ['DELETE', `/_emulator/directory/${ORG}/groups/dirgroup_1`],
  ['PUT', `/_emulator/directory/${ORG}/groups/dirgroup_1/members/diruser_1`],
  ['DELETE', `/_emulator/directory/${ORG}/groups/dirgroup_1/members/diruser_1`],
  ['GET', '/_emulator/directory/org_unknown'],
  ['GET', `/magicLink/${ID}`],
  ['GET', '/magicLink/not-a-uuid'],
  ['POST', '/portal/api/sso'],
  ['POST', '/portal/api/directory'],
  ['GET', '/portal/directory'],
  ['POST', '/portal/directory/users'],
  ['PATCH', '/portal/directory/users/diruser_1'],
  ['POST', '/portal/directory/groups'],
  ['POST', '/api/v1/organizations'],
  ['GET', '/api/v1/organizations'],
  ['GET', `/api/v1/organizations/${ORG}`],
  ['PATCH', `/api/v1/organizations/${ORG}`],
  ['PATCH', `/api/v1/organizations/${ORG}/settings`],
  ['GET', '/api/v1/organizations:external/some-tenant'],
  ['PUT', `/api/v1/organizations/${ORG}/portal_links`],
  ['GET', `/api/v1/organizations/${ORG}/portal_links`],
  ['DELETE', `/api/v1/organizations/${ORG}/portal_links/${ID}`],
  ['GET', '/api/v1/organizations/%E0%A4%A'],
  ['GET', '/api/v1/nothing'],
  ['GET', '/'],
  ['GET', '/no/such/route'],
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const TYPES = [undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16'];
const BODIES: ReadonlyArray<string | Uint8Array> = [
  '',
  ' ',
  'garbage',
  '{"a":',
  'null',
  '[]',
  '123',
  '"a string"',
  'true',
  '{}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  JSON.stringify({ url: 1, secret: [], count: '1', status: {}, enabled: 'yes', provider: null, email: 42, displayName: {}, display_name: [1], features: 'sso', organization: 'x', settings: 7, logoUrl: false, accentColor: 1 }),
  JSON.stringify({ features: ['sso', 7, null, {}], display_name: 'x'.repeat(10_000), external_id: '\ud800', metadata: { k: 1 } }),
  JSON.stringify({ token: { count: 1e308, status: -1 }, rpc: { count: 1, code: 'x' }, latencyMs: 'NaN', clear: 'true' }),
  '['.repeat(20_000),
  `{"a":"${'x'.repeat(200_000)}"}`,
  new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28]),
];

describe('emulator: no input answers 5xx', () => {
  let emulator: Emulator;
  let token: string;
  let session: string;
  before(async () => {
    emulator = await startEmulator({ linkTtlSeconds: 3600 });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret });
    token = (await (await fetch(`${emulator.url}/oauth/token`, { method: 'POST', body: form })).json()).access_token;
    session = await portalSession(emulator, ORG);
  });
  after(() => emulator.close());

  const failures: string[] = [];
  /** One request on a fresh connection (so one probe's early answer cannot disturb the next); records a 5xx. */
  async function probe(method: string, path: string, body?: string | Uint8Array, type?: string, chunked = false) {
    // The controls take the control token, REST the access token; the portal routes their session.
    const bearer = path.startsWith('/_emulator') ? emulator.controlToken : token;
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, 'x-portal-session': session };
    if (type) headers['content-type'] = type;
    const bytes = body === undefined || method === 'GET' || method === 'HEAD' ? undefined : Buffer.from(body);
    if (bytes && !chunked) headers['content-length'] = String(bytes.length);
    const label = `${method} ${path} ${type ?? '-'} ${chunked ? 'chunked ' : ''}${String(body).slice(0, 30)}`;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${emulator.url}${path}`, { method, headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        if (bytes) req.write(bytes);
        req.end();
      });
      if (status >= 500) failures.push(`${label} → ${status}`);
    } catch (error) {
      // A body over the route's limit may be refused (413) before it is all sent; anything smaller must get an answer.
      if (!bytes || bytes.length <= 4096) failures.push(`${label} → ${(error as Error).message}`);
    }
  }

  it('every route, every method, without a body', async () => {
    failures.length = 0;
    for (const [, path] of ROUTES) for (const method of METHODS) await probe(method, path);
    emulator.faults.clear();
    assert.deepEqual(failures, []);
  });

  it('every route with its own method: every body as JSON, a few under every other media type, some chunked', async () => {
    failures.length = 0;
    const few = [BODIES[2]!, BODIES[9]!, BODIES[11]!];
    for (const [method, path] of ROUTES) {
      for (const body of BODIES) await probe(method, path, body, 'application/json');
      for (const type of TYPES) if (type !== 'application/json') for (const body of few) await probe(method, path, body, type);
      for (const body of [...few, BODIES[14]!]) await probe(method, path, body, 'application/json', true);
      emulator.faults.clear(); // a body that happened to be a valid fault must not fail the next probes
    }
    assert.deepEqual(failures, []);
  });

  it('malformed HTTP on the port is answered 400, not 500, and the port keeps serving', async () => {
    const url = new URL(emulator.url);
    for (const raw of ['GARBAGE\r\n\r\n', 'GET /_emulator/stats HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]) {
      const socket = net.connect(Number(url.port), url.hostname);
      socket.end(raw);
      let answer = '';
      for await (const chunk of socket) answer += chunk;
      assert.match(answer.split('\r\n')[0] ?? '', /^HTTP\/1\.1 4\d\d/, raw.slice(0, 30));
    }
    assert.equal((await fetch(`${emulator.url}/_emulator/stats`, { headers: { authorization: `Bearer ${emulator.controlToken}` } })).status, 200);
  });

  it('gRPC on an unknown service or an unimplemented method answers UNIMPLEMENTED (grpc-status 12)', async () => {
    const users = createClient(UserService, createGrpcTransport({ baseUrl: emulator.url }));
    await assert.rejects(users.listUsers({}), (error: { code?: number }) => error.code === 12);
    // A non-gRPC request over h2c reaches the HTTP app rather than a bare 404 from the gRPC side.
    const http2 = await import('node:http2');
    const client = http2.connect(emulator.url);
    try {
      const req = client.request({ ':path': '/_emulator/stats', authorization: `Bearer ${emulator.controlToken}` });
      const headers = await new Promise<Record<string, unknown>>((resolve) => req.once('response', resolve));
      req.resume();
      assert.equal(headers[':status'], 200);
    } finally {
      client.close();
    }
  });
});
