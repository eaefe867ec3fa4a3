// Generated hostile traffic against scalekitPortal(): 1 500 requests from a seeded generator, each with at least
// one defect (method, media type, cross-site headers, missing session, body). None may be answered 5xx, none
// may carry a link, and Scalekit (the emulator, behind the real SDK) must not have issued a single link.
// Then raw bytes over a real socket for what a Request object cannot express (lying Content-Length, bad chunks).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import type { Server } from 'node:http';
import { startEmulator } from '../../../emulator/src/index.js';
import type { Emulator } from '../../../emulator/src/index.js';
import { scalekitPortal } from '../../../server/index.js';
import { seededRandom, type SeededRandom } from '../../support/seeded-random.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5ca1e);
const CASES = 1_500;

const FEATURES = ['sso', 'dir_sync'] as const;
const NASTY_STRINGS = [
  '', ' ', 'SSO', 'sso ', ' sso', 'sso\u0000', 'dir-sync', 'dir_sync\n', 'admin', '*', '__proto__', 'constructor',
  '\ud800', '\u202e', '<script>alert(1)</script>', "'; DROP TABLE links; --", '../../etc/passwd', 'x'.repeat(300),
  'org_globex', 'toString', '%00', '\\u0073so',
];

function hostileValue(rng: SeededRandom, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0: return null;
    case 1: return rng.next() < 0.5;
    case 2: return rng.pick([0, -1, 1e308, -0, 3.14, Number.MAX_SAFE_INTEGER + 2]);
    case 3: return rng.pick(NASTY_STRINGS);
    case 4: return rng.pick(FEATURES);
    case 5: return [];
    case 6: return Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(['features', 'organizationId', '__proto__', 'constructor', 'prototype', 'id', rng.pick(NASTY_STRINGS)]), hostileValue(rng, depth + 1)]));
    default: return { features: hostileValue(rng, depth + 1) };
  }
}

/** Independent oracle: would the endpoint accept this body? (Then it is no defect, and the case draws again.) */
function acceptableBody(body: string | Uint8Array): boolean {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (bytes.byteLength > 4096) return false;
  const text = new TextDecoder().decode(bytes); // as the server reads it: UTF-8, a leading BOM dropped
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const features = (value as Record<string, unknown>)['features'];
  if (features === undefined) return true;
  return Array.isArray(features) && features.every((f) => f === 'sso' || f === 'dir_sync');
}

const TEXT_BODIES: Array<(rng: SeededRandom) => string> = [
  (rng) => JSON.stringify(hostileValue(rng)),
  (rng) => JSON.stringify(hostileValue(rng)).slice(0, Math.max(0, rng.int(20))),
  (rng) => '['.repeat(1 + rng.int(2000)) + ']'.repeat(rng.int(2000)),
  (rng) => `{"features":${'['.repeat(1 + rng.int(1500))}"sso"${']'.repeat(rng.int(1500))}}`,
  (rng) => `{"features":["sso"],"padding":"${'x'.repeat(4000 + rng.int(3000))}"}`,
  (rng) => `${rng.pick(['\ufeff', '\u0000', ')]}\'\n', '<!--'])}{"features":["sso"]}`,
  (rng) => `{"features":["sso"],"features":${JSON.stringify(rng.pick(NASTY_STRINGS))}}`,
  (rng) => `{"__proto__":{"features":["sso"]},"features":${JSON.stringify(hostileValue(rng))}}`,
  () => '{"features":[1e999]}',
  (rng) => rng.pick(['', ' ', 'null', 'undefined', 'NaN', '{}}', '{"a":}', "{'features':['sso']}", 'features=sso']),
];

type Defect = 'method' | 'media' | 'crossSite' | 'noSession' | 'body';
const DEFECTS: Defect[] = ['method', 'media', 'crossSite', 'noSession', 'body'];

interface Case {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  defects: Defect[];
}

function generateCase(rng: SeededRandom): Case {
  const defects = new Set<Defect>([rng.pick(DEFECTS)]);
  while (rng.next() < 0.3) defects.add(rng.pick(DEFECTS));

  const method = defects.has('method') ? rng.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'P0ST']) : 'POST';

  const headers: Record<string, string> = {};
  headers['content-type'] = defects.has('media')
    ? rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=--x', 'application/jsonp',
        'application/json-seq', 'text/json', 'application/javascript', 'json', '*/*', 'application/json, text/plain',
        'application/vnd.api+json', 'application /json'])
    : rng.pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=latin1']);
  if (defects.has('media') && rng.next() < 0.15) delete headers['content-type'];

  if (defects.has('crossSite')) {
    const crossSite = rng.pick<Record<string, string>>([
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { origin: 'http://localhost.evil.example' },
      { origin: 'http://localhost:1' },
      { origin: 'https://localhost' },
      { origin: 'http://LOCALHOST' },
      { origin: 'http://localhost/' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'same-site' },
    ]);
    Object.assign(headers, crossSite);
  } else {
    Object.assign(headers, rng.pick<Record<string, string>>([
      { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost' },
      {},
    ]));
  }

  if (!defects.has('noSession')) headers['x-test-session'] = 'valid';
  else if (rng.next() < 0.5) headers['x-test-session'] = rng.pick(['', 'Valid', 'valid\u00a0', 'va lid', 'org_globex', 'null', 'x'.repeat(2000)]);

  // Extra hostile headers that must change nothing.
  if (rng.next() < 0.3) headers['x-organization-id'] = 'org_globex';
  if (rng.next() < 0.2) headers['x-forwarded-host'] = 'evil.example';
  if (rng.next() < 0.2) headers['cookie'] = `session=${rng.pick(NASTY_STRINGS).replace(/[^\x21-\x7e]/g, '')}`;

  let body: string | Uint8Array | undefined;
  if (defects.has('body')) {
    if (rng.next() < 0.1) {
      body = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
      if (acceptableBody(body)) body = new Uint8Array([0xff, 0xfe, 0x7b]);
    } else {
      do body = rng.pick(TEXT_BODIES)(rng);
      while (acceptableBody(body));
    }
  } else {
    body = JSON.stringify(rng.pick([{}, { features: ['sso'] }, { features: ['dir_sync', 'sso'] }, { organizationId: 'org_globex' }, { features: [] }]));
  }
  if (method === 'GET' || method === 'HEAD') body = undefined;
  return { method, headers, body, defects: [...defects] };
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_request', 401: 'unauthenticated', 403: 'forbidden', 405: 'method_not_allowed',
  413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
};

let emulator: Emulator;
let scalekit: Scalekit;
let logLines: string[] = [];

function portal() {
  const acme = emulator.organizations()[0]!.id;
  return scalekitPortal({
    scalekit,
    authorize: (c) => (c.req.header('x-test-session') === 'valid' ? { organizationId: acme } : null),
    rateLimit: false,
    log: (line) => logLines.push(line),
  });
}

before(async () => {
  emulator = await startEmulator({ port: 0 });
  scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
});
after(() => emulator.close());

describe('scalekitPortal(): generated hostile requests', () => {
  it(`answers ${CASES} malformed or hostile requests (seed ${SEED}) with a 4xx JSON error and never a link`, async () => {
    const app = portal();
    const rng = seededRandom(SEED);
    const issuedBefore = emulator.stats().linksIssued;
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const testCase = generateCase(rng);
      let request: Request;
      try {
        request = new Request('http://localhost/portal-link', { method: testCase.method, headers: testCase.headers, body: testCase.body as BodyInit | undefined });
      } catch {
        continue; // a value fetch itself refuses (e.g. a non-ASCII header) never reaches a server
      }
      const response = await app.request(request);
      const text = await response.text();
      const where = `case ${i} (seed ${SEED}): ${testCase.method} ${JSON.stringify(testCase.headers).slice(0, 200)} defects=${testCase.defects}`;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status >= 400 && response.status < 500, `${where} → ${response.status} ${text.slice(0, 200)}`);
      assert.equal(response.headers.get('cache-control'), 'no-store', where);
      assert.ok(!text.includes('magicLink') && !text.includes(emulator.url), `${where} leaked a link`);
      if (testCase.method !== 'HEAD') {
        const body = JSON.parse(text) as { error: { code: string; message: string } };
        assert.equal(body.error.code, CODE_FOR_STATUS[response.status], where);
      }
    }
    assert.equal(emulator.stats().linksIssued, issuedBefore, 'no hostile request got Scalekit to issue a link');
    // The generator reached every check, not just the first one.
    for (const status of [400, 401, 403, 405, 413, 415]) assert.ok((statuses.get(status) ?? 0) > 0, `no case produced ${status}`);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.ok(total >= 1_000, `only ${total} requests were sent`);
    assert.ok(logLines.every((line) => !line.includes(emulator.clientSecret)));
  });
});

describe('scalekitPortal(): raw bytes over a real socket', () => {
  let server: Server;
  let port: number;

  before(async () => {
    const { Hono } = await import('hono');
    const host = new Hono();
    host.route('/api/scalekit', portal());
    server = createAdaptorServer({ fetch: host.fetch, overrideGlobalObjects: false }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Send raw bytes, half-close, and collect whatever comes back until the server closes. */
  function exchange(raw: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(error)));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.end(raw);
    });
  }

  const head = (extra: string, site = 'sec-fetch-site: same-origin\r\n') =>
    `POST /api/scalekit/portal-link HTTP/1.1\r\nHost: 127.0.0.1\r\nx-test-session: valid\r\n${site}Content-Type: application/json\r\nConnection: close\r\n${extra}\r\n`;

  it('never answers 5xx or a link, and keeps serving afterwards', async () => {
    const big = `{"features":["sso"],"p":"${'x'.repeat(6000)}"}`;
    const raws: Array<string | Buffer> = [
      head(`Content-Length: 2\r\n`) + big, // lies low: only "{\"" is the body
      head(`Content-Length: 5000\r\n`) + '{}', // lies high, then the client hangs up
      head(`Content-Length: ${big.length}\r\n`) + big,
      head('Transfer-Encoding: chunked\r\n') + `1000\r\n${'x'.repeat(4096)}\r\n1000\r\n${'x'.repeat(4096)}\r\n0\r\n\r\n`,
      head('Transfer-Encoding: chunked\r\n') + 'zz\r\n{}\r\n0\r\n\r\n',
      head('Transfer-Encoding: chunked\r\nContent-Length: 2\r\n') + '2\r\n{}\r\n0\r\n\r\n',
      head('Content-Length: -1\r\n') + '{}',
      head('Content-Length: 2\r\nContent-Length: 3\r\n') + '{} ',
      Buffer.concat([Buffer.from(head('Content-Length: 4\r\n')), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]),
      'GET /api/scalekit/portal-link HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'POST /api/scalekit/portal-link?organizationId=org_globex HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n{',
      head('Origin: https://evil.example\r\nContent-Length: 2\r\n', '') + '{}',
      head('Content-Length: 2\r\n', 'sec-fetch-site: cross-site\r\n') + '{}',
      `POST /api/scalekit/portal-link HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Pad: ' + 'a'.repeat(70_000)}\r\n\r\n`,
      '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03', // a TLS ClientHello on the cleartext port
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    ];
    const issuedBefore = emulator.stats().linksIssued;
    for (const raw of raws) {
      const answer = await exchange(raw);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
      if (status) assert.ok(Number(status) < 500, `${JSON.stringify(String(raw).slice(0, 120))} → ${answer.slice(0, 200)}`);
      assert.ok(!answer.includes('magicLink'), `${JSON.stringify(String(raw).slice(0, 120))} leaked a link`);
    }
    assert.equal(emulator.stats().linksIssued, issuedBefore);

    const healthy = await fetch(`http://127.0.0.1:${port}/api/scalekit/portal-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-session': 'valid' },
      body: '{}',
    });
    assert.equal(healthy.status, 200);
  });
});
