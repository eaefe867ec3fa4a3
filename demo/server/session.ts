// DEMO ONLY. A stand-in for a host application's login: a signed cookie naming the organization the visitor
// administers. A real host already has a session; its `authorize` reads that instead. What this shows is the
// pattern: the organization comes from the server-side session, never from the request body.

import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { PortalPrincipal } from '../../server/portal/portal-link.js';

export const DEMO_SESSION_COOKIE = 'scalekit_demo_session';

/** The organizations a visitor may pick, and how to look them up (the SDK in either mode). */
export interface DemoDirectory {
  organizations(): Promise<Array<{ id: string; displayName: string }>>;
}

export interface DemoSessions {
  /** Hono routes for `GET|POST|DELETE /session` (mounted at `/api/demo`). */
  routes: Hono;
  /** The signed-in visitor's organization, or null. The token endpoint's `authorize`. */
  principal(c: Context): Promise<PortalPrincipal | null>;
}

export interface DemoSessionOptions {
  directory: DemoDirectory;
  mode: 'emulator' | 'scalekit';
  environmentOrigin: string;
  /** Refuse requests whose `Origin` / `Sec-Fetch-Site` say cross-site (shared with the token endpoint's check). */
  isSameSite: (c: Context) => boolean;
  /** How an organizations lookup failure is answered (mapped like the token endpoint's upstream errors). */
  onUpstreamError: (c: Context, error: unknown) => Response;
}

// Organization ids in Scalekit (`org_…`) and the emulator are short and plain; anything else is refused
// before it reaches a lookup or a cookie.
const ORGANIZATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function demoSessions(options: DemoSessionOptions): DemoSessions {
  // A fresh secret per process: restarting the demo signs everyone out, which is what a demo wants.
  const secret = randomBytes(32).toString('base64url');

  const readOrganizationId = async (c: Context): Promise<string | null> => {
    const value = await getSignedCookie(c, secret, DEMO_SESSION_COOKIE);
    return typeof value === 'string' && ORGANIZATION_ID.test(value) ? value : null;
  };

  const routes = new Hono();
  routes.use('/session', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.method !== 'GET' && !options.isSameSite(c)) {
      return c.json({ error: { code: 'forbidden', message: 'Cross-site requests are refused.' } }, 403);
    }
    await next();
  });

  routes.get('/session', async (c) => {
    let organizations: Array<{ id: string; displayName: string }>;
    try {
      organizations = await options.directory.organizations();
    } catch (error) {
      return options.onUpstreamError(c, error);
    }
    const organizationId = await readOrganizationId(c);
    return c.json({
      organizationId: organizationId && organizations.some((org) => org.id === organizationId) ? organizationId : null,
      organizations,
      mode: options.mode,
      environmentOrigin: options.environmentOrigin,
    });
  });

  routes.post('/session', bodyLimit({
    maxSize: 1024,
    onError: (c) => c.json({ error: { code: 'payload_too_large', message: 'The request body is larger than 1 KiB.' } }, 413),
  }), async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const organizationId =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['organizationId'] : undefined;
    if (typeof organizationId !== 'string' || !ORGANIZATION_ID.test(organizationId)) {
      return c.json({ error: { code: 'invalid_request', message: 'Send { "organizationId": "org_…" }.' } }, 400);
    }
    let organizations: Array<{ id: string; displayName: string }>;
    try {
      organizations = await options.directory.organizations();
    } catch (error) {
      return options.onUpstreamError(c, error);
    }
    if (!organizations.some((org) => org.id === organizationId)) {
      return c.json({ error: { code: 'invalid_request', message: 'No such organization.' } }, 400);
    }
    await setSignedCookie(c, DEMO_SESSION_COOKIE, organizationId, secret, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 8 * 60 * 60,
    });
    return c.json({ organizationId });
  });

  routes.delete('/session', (c) => {
    deleteCookie(c, DEMO_SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  return {
    routes,
    async principal(c) {
      const organizationId = await readOrganizationId(c);
      return organizationId ? { organizationId } : null;
    },
  };
}
