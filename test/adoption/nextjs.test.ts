// The Next.js route handler of docs/nextjs.md: its exported POST called with a real Request, as Next calls it,
// minting with the real SDK on the emulator. Next (and any proxy) hands the handler a URL on its own host, not
// the browser's origin: `publicOrigin` is what keeps same-origin browsers without Sec-Fetch-Site working there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import { scalekitPortal } from '../../server/index.js';

const INTERNAL_URL = 'http://localhost:3000/api/scalekit/portal-link'; // what Next's request.url says
const PUBLIC_ORIGIN = 'https://app.example.com'; // what the browser's Origin says

let emulator: Emulator;
let route: typeof import('./fixtures/next-route.js');
let orgId: string;

before(async () => {
  emulator = await startEmulator({ port: 0 });
  orgId = emulator.organizations()[0]!.id;
  process.env.SCALEKIT_ENVIRONMENT_URL = emulator.url;
  process.env.SCALEKIT_CLIENT_ID = emulator.clientId;
  process.env.SCALEKIT_CLIENT_SECRET = emulator.clientSecret;
  process.env.APP_ORIGIN = PUBLIC_ORIGIN;
  route = await import('./fixtures/next-route.js');
  route.sessions.set('s1', { userId: 'user_1', organizationId: orgId });
});
after(() => emulator.close());

function browserRequest(headers: Record<string, string> = {}, body = '{"features":["sso"]}') {
  return new Request(INTERNAL_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: 'session=s1', origin: PUBLIC_ORIGIN, ...headers },
    body,
  });
}

async function codeOf(response: Response) {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('Next.js route handler: export const POST', () => {
  it('mints a link for a same-origin browser without Sec-Fetch-Site (Safari < 16.4) once publicOrigin names the origin', async () => {
    const response = await route.POST(browserRequest());
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('access-control-allow-origin'), null, 'same origin: no CORS headers');
    const link = (await response.json()) as { location: string };
    assert.ok(link.location.startsWith(emulator.url));
  });

  it('still refuses another origin, and answers 401 without a session', async () => {
    assert.equal(await codeOf(await route.POST(browserRequest({ origin: 'https://evil.example' }))), 'forbidden');
    assert.equal(await codeOf(await route.POST(browserRequest({ cookie: 'session=nobody' }))), 'unauthenticated');
  });

  it('answers 405 for another method routed to it', async () => {
    const response = await route.POST(new Request(INTERNAL_URL, { method: 'GET' }));
    assert.equal(response.status, 405);
  });

  it('without publicOrigin the same request is refused as cross-site (why the option exists)', async () => {
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const app = scalekitPortal({ scalekit, authorize: () => ({ organizationId: orgId }) });
    const request = browserRequest();
    const response = await app.fetch(new Request('http://localhost:3000/portal-link', request));
    assert.equal(response.status, 403);
    // A browser that sends Sec-Fetch-Site passes either way.
    const modern = await app.fetch(
      new Request('http://localhost:3000/portal-link', browserRequest({ 'sec-fetch-site': 'same-origin' })),
    );
    assert.equal(modern.status, 200);
  });

  it('refuses a publicOrigin that is not an origin, naming the option', () => {
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    for (const publicOrigin of ['app.example.com', 'https://app.example.com/settings', 'ftp://x.example']) {
      assert.throws(
        () => scalekitPortal({ scalekit, authorize: () => null, publicOrigin }),
        (error: Error) => error instanceof TypeError && error.message.includes('publicOrigin'),
      );
    }
  });
});
