// DEMO ONLY. Northwind's staff console API (mount at `/api/staff`): a stand-in staff sign-in, the customers
// table, onboarding a customer (ensureOrganization), picking the customer a setup link is for, the portal branding, and a stream that tells the page when any of it changed.
//
// The organization a setup link is issued for comes from the staff member's server-side selection (a signed
// cookie naming a customer Northwind has on file), never from a request body.
import type { CustomerView } from '../shared/api-types.js';
export type { CustomerView };
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Scalekit } from '@scalekit-sdk/node';
import { describeError } from '../../server/http/log-safe.js';
import { fromUpstreamError } from '../../server/scalekit/upstream-errors.js';
import type { PortalPrincipal } from '../../server/portal/portal-link.js';
import { readConfiguration, type DemoConfiguration } from './configuration.js';
import type { DemoMemberStore, Member } from './members.js';
import type { Branding, Customer, NorthwindData, OnboardingStep } from './northwind-data.js';
import { ONBOARDING_STEPS } from './northwind-data.js';
import { ensureOrganization } from '../../server/organizations/ensure-organization.js';

export const STAFF_COOKIE = 'northwind_staff';
export const STAFF_CUSTOMER_COOKIE = 'northwind_staff_customer';

/** Northwind's tenant ids: short, plain, safe in a URL and a log line. */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;
const STAFF_NAME = /^[\p{L}\p{N} .'-]{1,60}$/u;
const MAX_CUSTOMER_NAME = 100;
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const MAX_LOGO_URL = 2048;

export interface StaffOptions {
  data: NorthwindData;
  members: DemoMemberStore;
  scalekit: Scalekit;
  isSameSite: (c: Context) => boolean;
  /** Sends Northwind's branding to Scalekit's portal (the emulator's control API; a no-op against Scalekit). */
  applyBranding: (branding: Branding) => Promise<'applied' | 'dashboard'>;
  /** Keep-alive comment interval of the change stream. Default 15 s. */
  keepAliveMs?: number;
  log: (line: string) => void;
}

export interface StaffConsole {
  routes: Hono;
  /** `authorize` for the setup links: the signed-in staff member, for the customer they picked. */
  authorizeSelected(c: Context): Promise<PortalPrincipal | null>;
  /** Ends open change streams (before the server closes). */
  close(): void;
}


function fail(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

async function readJson(c: Context): Promise<Record<string, unknown> | Response> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return fail(c, 415, 'unsupported_media_type', 'Send the request as application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return fail(c, 400, 'invalid_request', 'The body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(c, 400, 'invalid_request', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

const smallBody = bodyLimit({
  maxSize: 4 * 1024,
  onError: (c) => fail(c, 413, 'payload_too_large', 'The request body is larger than 4 KiB.'),
});

type StaffEnv = { Variables: { staff: string } };

export function staffConsole(options: StaffOptions): StaffConsole {
  const { data, members, scalekit, log } = options;
  // A fresh secret per process: a restart signs staff out (the data stays).
  const secret = randomBytes(32).toString('base64url');
  const closing = new AbortController();
  const keepAliveMs = options.keepAliveMs ?? 15_000;

  const staffOf = async (c: Context): Promise<string | null> => {
    const value = await getSignedCookie(c, secret, STAFF_COOKIE);
    return typeof value === 'string' && STAFF_NAME.test(value) ? value : null;
  };
  const selectedOf = async (c: Context): Promise<string | null> => {
    const value = await getSignedCookie(c, secret, STAFF_CUSTOMER_COOKIE);
    return typeof value === 'string' && TENANT_ID.test(value) ? value : null;
  };
  const cookieOptions = (c: Context) => ({
    httpOnly: true,
    sameSite: 'Strict' as const,
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: 8 * 60 * 60,
  });

  /** A customer's row: Northwind's records, plus what Scalekit says is configured (recorded as progress too). */
  const view = async (customer: Customer): Promise<CustomerView> => {
    let configuration: DemoConfiguration | null = null;
    try {
      configuration = await readConfiguration(scalekit, customer.organizationId);
    } catch (error) {
      log(`staff: reading ${customer.externalId}'s configuration failed (${fromUpstreamError(error).code})`);
    }
    // Not every Scalekit environment announces SSO with a webhook (the emulator does not): what Scalekit itself
    // reports, read server-side with Northwind's credentials, is as good a proof.
    const proved: OnboardingStep[] = [];
    if (configuration?.sso?.enabled) proved.push('sso_connected');
    if (configuration?.directory?.enabled) proved.push('directory_connected');
    await data.complete(customer.organizationId, proved);
    const list = members.list(customer.organizationId);
    return {
      ...customer,
      sso: configuration?.sso ?? null,
      directory: configuration?.directory ?? null,
      scalekitRead: configuration !== null,
      members: { total: list.length, active: list.filter((m) => m.active).length },
      progress: await data.progress(customer.organizationId),
    };
  };

  const routes = new Hono<StaffEnv>();

  routes.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !options.isSameSite(c)) {
      return fail(c, 403, 'forbidden', 'Cross-site requests are refused.');
    }
    await next();
  });

  // --- the stand-in sign-in -------------------------------------------------------------------------------

  routes.get('/session', async (c) => c.json({ staff: await staffOf(c), selected: await selectedOf(c) }));

  routes.post('/session', smallBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const name = typeof body['name'] === 'string' ? body['name'].trim() : '';
    if (!STAFF_NAME.test(name)) {
      return fail(c, 400, 'invalid_request', 'Send { "name": "…" }: letters, digits, spaces, at most 60 characters.');
    }
    await setSignedCookie(c, STAFF_COOKIE, name, secret, cookieOptions(c));
    deleteCookie(c, STAFF_CUSTOMER_COOKIE, { path: '/' });
    return c.json({ staff: name, selected: null });
  });

  routes.delete('/session', (c) => {
    deleteCookie(c, STAFF_COOKIE, { path: '/' });
    deleteCookie(c, STAFF_CUSTOMER_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  // Everything below is for signed-in staff only.
  routes.use('*', async (c, next) => {
    const staff = await staffOf(c);
    if (!staff) return fail(c, 401, 'unauthenticated', 'Sign in as Northwind staff first.');
    c.set('staff', staff);
    await next();
  });

  // --- customers ------------------------------------------------------------------------------------------

  routes.get('/customers', async (c) => {
    const customers = await data.customers();
    return c.json({ customers: await Promise.all(customers.map(view)) });
  });

  routes.post('/customers', smallBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const name = typeof body['name'] === 'string' ? body['name'].trim() : '';
    const externalId = typeof body['externalId'] === 'string' ? body['externalId'].trim() : '';
    if (name === '' || name.length > MAX_CUSTOMER_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
      return fail(c, 400, 'invalid_request', `name must be 1–${MAX_CUSTOMER_NAME} characters, no control characters.`);
    }
    if (!TENANT_ID.test(externalId)) {
      return fail(c, 400, 'invalid_request', 'externalId must be a Northwind tenant id: 3–64 lowercase letters, digits and dashes.');
    }
    let result: Awaited<ReturnType<typeof ensureOrganization>>;
    try {
      result = await ensureOrganization(scalekit, { externalId, name, metadata: { source: 'northwind-staff' } });
    } catch (error) {
      const failure = fromUpstreamError(error);
      log(`staff: ensureOrganization for ${externalId} failed -> ${failure.code}: ${describeError(error)}`);
      return fail(c, 502, 'upstream_failed', 'Scalekit did not create the organization. Try again shortly.');
    }
    const customer = await data.saveCustomer({ externalId, name, organizationId: result.organizationId });
    log(`staff: ${c.get('staff')} onboarded ${externalId} (${result.created ? 'new organization' : 'organization already there'})`);
    return c.json({ customer: await view(customer), created: result.created }, result.created ? 201 : 200);
  });

  routes.get('/customers/:externalId/members', async (c) => {
    const customer = await customerParam(c.req.param('externalId'));
    if (!customer) return fail(c, 404, 'customer_not_found', 'Northwind has no such customer.');
    return c.json({ members: members.list(customer.organizationId) satisfies Member[] });
  });

  /** The customer the staff member works on: what setup links are issued, listed and revoked for. */
  routes.post('/selection', smallBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const customer = await customerParam(body['externalId']);
    if (!customer) return fail(c, 404, 'customer_not_found', 'Northwind has no such customer.');
    await setSignedCookie(c, STAFF_CUSTOMER_COOKIE, customer.externalId, secret, cookieOptions(c));
    return c.json({ selected: customer.externalId });
  });

  // --- branding -------------------------------------------------------------------------------------------

  routes.get('/branding', async (c) => c.json({ branding: await data.branding() }));

  routes.put('/branding', smallBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const branding: Branding = {};
    const { logoUrl, accentColor } = body;
    if (logoUrl !== undefined && logoUrl !== '') {
      if (typeof logoUrl !== 'string' || logoUrl.length > MAX_LOGO_URL || !isHttpUrl(logoUrl)) {
        return fail(c, 400, 'invalid_request', 'logoUrl must be an http(s) URL.');
      }
      branding.logoUrl = logoUrl;
    }
    if (accentColor !== undefined && accentColor !== '') {
      if (typeof accentColor !== 'string' || !HEX_COLOUR.test(accentColor)) {
        return fail(c, 400, 'invalid_request', 'accentColor must be a colour like #1f6feb.');
      }
      branding.accentColor = accentColor.toLowerCase();
    }
    await data.saveBranding(branding);
    let where: 'applied' | 'dashboard' | 'failed';
    try {
      where = await options.applyBranding(branding);
    } catch (error) {
      log(`staff: applying the branding failed (${describeError(error)})`);
      where = 'failed';
    }
    return c.json({ branding, portal: where });
  });

  // --- changes ----------------------------------------------------------------------------------------------

  routes.get('/stream', (c) =>
    streamSSE(c, async (stream) => {
      let end = () => {};
      const ended = new Promise<void>((resolve) => (end = resolve));
      const unsubscribe = data.subscribe((change) => {
        void stream.writeSSE({ event: 'changed', data: JSON.stringify(change) });
      });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      stream.onAbort(end);
      closing.signal.addEventListener('abort', end);
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' });
        if (stream.aborted || closing.signal.aborted) end();
        await ended;
      } finally {
        clearInterval(keepAlive);
        closing.signal.removeEventListener('abort', end);
        unsubscribe();
      }
    }),
  );

  async function customerParam(value: unknown): Promise<Customer | null> {
    return typeof value === 'string' && TENANT_ID.test(value) ? data.customerByExternalId(value) : null;
  }

  return {
    routes: routes as unknown as Hono,
    async authorizeSelected(c) {
      const staff = await staffOf(c);
      const selected = staff ? await selectedOf(c) : null;
      const customer = selected ? await data.customerByExternalId(selected) : null;
      return staff && customer ? { organizationId: customer.organizationId, userId: `staff:${staff}` } : null;
    },
    close: () => closing.abort(),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

export { ONBOARDING_STEPS };
