// Shared by the setup-link tests: an emulator with the real SDK, a host app mounting scalekitSetupLinks()
// with a header-driven `authorize`, and small request helpers.
import assert from 'node:assert/strict';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { scalekitSetupLinks } from '../../../server/index.js';
import type { ScalekitSetupLinksOptions } from '../../../server/index.js';

export const PUBLIC_URL = 'https://app.example.com/setup';
export const SAME_ORIGIN = { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' };
export const JSON_TYPE = { 'content-type': 'application/json' };

export interface Harness {
  emulator: Emulator;
  scalekit: Scalekit;
  acme: string;
  globex: string;
  logLines: string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const emulator = await startEmulator({ port: 0 });
  const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  const [acme, globex] = emulator.organizations().map((org) => org.id) as [string, string];
  return { emulator, scalekit, acme, globex, logLines: [], close: () => emulator.close() };
}

/**
 * The host app: `/api/scalekit` mounts the setup links. `authorize` reads `x-org` (and `x-user`): no header is
 * nobody (401), `x-org: forbidden` is a signed-in person who may not manage (403).
 */
export function hostApp(h: Harness, overrides: Partial<ScalekitSetupLinksOptions> = {}): Hono {
  const app = new Hono();
  app.route(
    '/api/scalekit',
    scalekitSetupLinks({
      scalekit: h.scalekit,
      publicUrl: PUBLIC_URL,
      authorize: (c) => {
        const org = c.req.header('x-org');
        if (!org) return null;
        if (org === 'forbidden') throw new HTTPException(403);
        return { organizationId: org, userId: c.req.header('x-user') };
      },
      rateLimit: false,
      log: (line) => h.logLines.push(line),
      ...overrides,
    }),
  );
  return app;
}

export function request(app: Hono, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  return app.request(`/api/scalekit${path}`, {
    method,
    headers: { ...SAME_ORIGIN, ...(init.body !== undefined ? JSON_TYPE : {}), ...init.headers },
    body: init.body,
  });
}

export async function createLink(app: Hono, org: string, body: unknown = {}) {
  const response = await request(app, 'POST', '/setup-links', { body: JSON.stringify(body), headers: { 'x-org': org } });
  assert.equal(response.status, 201, `create answered ${response.status}`);
  const created = (await response.json()) as { id: string; url: string; expiresAt: string; createdAt: string; note: string | null };
  return { ...created, token: new URL(created.url).hash.slice(1) };
}

export function portalLink(app: Hono, token: unknown, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token, ...extra }), headers });
}

export async function expectError(response: Response, status: number, code: string) {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status}`);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}
