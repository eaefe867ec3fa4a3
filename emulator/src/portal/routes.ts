// The portal's HTTP surface: the page at /magicLink/:id (consumes the link, opens a session) and the small
// JSON API its SSO and directory sections call, authorised by the session token in `x-portal-session`.
import { randomBytes } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { limitBody } from '../body-limit.js';
import { brandingImageOrigins, type BrandingStore } from '../branding.js';
import { readJsonObject, controlError } from '../http/json-body.js';
import { originPatternRegex } from '../origins.js';
import { renderExpiredPage, renderPortalPage } from './page.js';
import { framingWatch } from './framing.js';
import { portalDomainView } from './domain-view.js';
import { SESSION_HEADER } from './session-header.js';
import { DIRECTORY_PROVIDERS, SSO_CHOICES, type DirectoryProvider, type EmulatorState, type PortalSession, type SsoChoice } from '../state.js';
import type { ResolvedOptions } from '../options.js';

export const PORTAL_API_BASE = '/portal/api';

export interface PortalDeps {
  state: EmulatorState;
  options: ResolvedOptions;
  /** Markup for the directory section's #directory-idp container (the simulated IdP), given the session and CSP nonce. */
  directoryPanel?: (session: PortalSession, nonce: string) => string;
  branding: BrandingStore;
}

/** The path prefix a proxy in front of the emulator adds (from `publicUrl`), so the page's own calls reach it. */
export function basePath(options: ResolvedOptions): string {
  return options.publicUrl ? new URL(options.publicUrl).pathname.replace(/\/+$/, '') : '';
}

/**
 * The portal page's own calls (`/portal/api/*`, `/portal/directory/*`) carry its session token, which no other
 * page can read; this refuses them anyway when a browser says they come from anywhere but the page itself, so a
 * page on another port cannot drive a session even if it learnt the token. Allowed: no browser metadata (a
 * script or test), or `Sec-Fetch-Site: same-origin` and an `Origin`, when sent, equal to the emulator's own
 * (as reached, or `publicUrl`'s).
 */
export function portalPageOnly(options: ResolvedOptions): MiddlewareHandler {
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : null;
  return async (c, next) => {
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const own = origin === undefined || origin === new URL(c.req.url).origin || origin === publicOrigin;
    if ((site !== undefined && site !== 'same-origin') || !own) {
      c.header('Cache-Control', 'no-store');
      return controlError(c, 403, 'only the portal page itself may call this', 'forbidden');
    }
    await next();
  };
}

function pageHeaders(c: Context, nonce: string, allowedOrigins: readonly string[], imageOrigins: readonly string[]): void {
  c.header(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      ["img-src 'self' data:", ...imageOrigins].join(' '),
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${allowedOrigins.join(' ')}`,
    ].join('; '),
  );
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
}

export function portalRoutes(deps: PortalDeps): Hono {
  const { state, options } = deps;
  const patterns = options.allowedOrigins.map(originPatternRegex);
  const watchFraming = framingWatch(options.allowedOrigins, options.log);
  const app = new Hono();

  app.get('/magicLink/:id', (c) => {
    const nonce = randomBytes(16).toString('base64');
    const branding = deps.branding.get();
    pageHeaders(c, nonce, options.allowedOrigins, brandingImageOrigins(branding));
    watchFraming(c.req.raw.headers);
    if (c.req.method === 'HEAD') return c.body(null, 200); // a HEAD (link preview, health check) must not use up the link
    const linkId = c.req.param('id');
    const session = /^[0-9a-f-]{36}$/.test(linkId) ? state.openSession(linkId, options.sessionSeconds) : null;
    const org = session ? state.organizations.get(session.organizationId) : undefined;
    if (!session || !org) {
      const known = /^[0-9a-f-]{36}$/.test(linkId) ? state.links.get(linkId) : undefined;
      return c.html(renderExpiredPage({ nonce, organizationId: known?.organizationId ?? null, allowedOriginPatterns: patterns, branding }), 410);
    }
    const directory = session.features.includes('dir_sync') ? state.ensureDirectory(org) : null;
    const domains = session.features.includes('domain_verification')
      ? [...org.domains.values()].filter((d) => d.type === 'ORGANIZATION_DOMAIN').map(portalDomainView)
      : null;
    return c.html(
      renderPortalPage({
        nonce,
        organizationId: org.id,
        organizationName: org.displayName,
        features: session.features,
        sessionToken: session.token,
        remainingMs: session.expiresAt.getTime() - Date.now(),
        warningMs: options.warningSeconds * 1000,
        allowedOriginPatterns: patterns,
        apiBase: `${basePath(options)}${PORTAL_API_BASE}`,
        sso: org.sso,
        directory,
        domains,
        domainApiBase: `${basePath(options)}/portal/domains`,
        environmentUrl: state.baseUrl(),
        directoryPanel: directory ? deps.directoryPanel?.(session, nonce) : undefined,
        branding,
      }),
    );
  });

  const api = new Hono<{ Variables: { session: PortalSession } }>();
  api.use('*', limitBody(4 * 1024, (c) => controlError(c, 413, 'body over 4 KiB', 'payload_too_large')));
  api.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    const token = c.req.header(SESSION_HEADER);
    const session = token && token.length <= 200 ? state.session(token) : null;
    if (!session) return c.json({ error: { code: 'session_expired', message: 'The portal session has ended.' } }, 401);
    c.set('session', session);
    await next();
  });

  // Held open until the session ends from outside (its link was deleted), so the page can post
  // PORTAL_SESSION_EXPIRY at once; now and then answered `{ ended: false }`, and the page asks again. The
  // headers and a leading space (valid JSON whitespace) go out as soon as the wait is registered, so a client
  // that has the response in hand knows any later deletion will reach it.
  api.post('/session/wait', (c) => {
    const ended = state.waitForSessionEnd(c.get('session').token, c.req.raw.signal);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(' '));
        const answer = JSON.stringify({ ended: await ended });
        try {
          controller.enqueue(new TextEncoder().encode(answer));
          controller.close();
        } catch {
          // the page went away meanwhile
        }
      },
    });
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  const parseToggle = async <T extends string>(c: Context, allowed: readonly string[]) => {
    const body = await readJsonObject(c);
    if (body instanceof Response) return body;
    if (typeof body.enabled !== 'boolean') return controlError(c, 400, 'enabled must be true or false');
    if (typeof body.provider !== 'string' || !allowed.includes(body.provider)) {
      return controlError(c, 400, `provider must be one of ${allowed.join(', ')}`);
    }
    return { enabled: body.enabled, provider: body.provider as T };
  };

  api.post('/sso', async (c) => {
    const session = c.get('session');
    if (!session.features.includes('sso')) return controlError(c, 403, 'this portal link does not include SSO', 'forbidden');
    const input = await parseToggle<SsoChoice>(c, Object.keys(SSO_CHOICES));
    if (input instanceof Response) return input;
    const org = state.organizations.get(session.organizationId);
    if (!org) return controlError(c, 404, 'organization not found', 'not_found');
    const changed = state.setSso(org, input.provider, input.enabled);
    return c.json({ changed, connection: org.sso });
  });

  api.post('/directory', async (c) => {
    const session = c.get('session');
    if (!session.features.includes('dir_sync')) return controlError(c, 403, 'this portal link does not include directory sync', 'forbidden');
    const input = await parseToggle<DirectoryProvider>(c, Object.keys(DIRECTORY_PROVIDERS));
    if (input instanceof Response) return input;
    const org = state.organizations.get(session.organizationId);
    if (!org) return controlError(c, 404, 'organization not found', 'not_found');
    const changed = state.setDirectory(org, input.provider, input.enabled);
    return c.json({ changed, directory: { id: org.directory!.id, provider: org.directory!.provider, enabled: org.directory!.enabled } });
  });

  app.route(PORTAL_API_BASE, api);
  return app;
}
