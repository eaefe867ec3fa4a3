// DEMO ONLY. Northwind's customers' employees sign in with their company's SSO, and only while their company's
// directory says they work there:
//
//   GET  /signin                  the sign-in page ("Sign in with your work email")
//   GET  /signin/start?email=…    is the email's domain verified by an organization with SSO on? → /auth/sso/start
//   GET  /auth/sso/start|callback scalekitSso(): the identity provider, then onSignIn below
//   GET  /workspace               the signed-in member's page (refused once the session ended)
//   GET  /api/employee/me         the member, their organization and role
//   GET  /api/employee/stream     server-sent events: `ended` the moment the session ends
//   POST /api/employee/sign-out   ends the session; answers where to go (the identity provider's logout)
//
// onSignIn grants a session only to an ACTIVE member the directory provisioned in that organization.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scalekit } from '@scalekit-sdk/node';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ScalekitRouteError } from '../../server/http/route-error.js';
import { scalekitSso, type SsoSignIn } from '../../server/sso/routes.js';
import { fromUpstreamError } from '../../server/scalekit/upstream-errors.js';
import type { EmployeeProfile, SignInNotice } from '../shared/api-types.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie, type EmployeeSessions } from './employee-sessions.js';
import type { DemoMemberStore, Member } from './members.js';
import type { NorthwindData } from './northwind-data.js';
import { roleOf } from '../shared/roles.js';

export interface EmployeeSignInOptions {
  scalekit: Scalekit;
  sessions: EmployeeSessions;
  members: DemoMemberStore;
  data: Pick<NorthwindData, 'complete' | 'customerByOrganizationId'>;
  /** The origin browsers reach Northwind at (the SSO redirect URI and the logout's way back are under it). */
  publicUrl: string;
  /** Where the built pages are (signin.html, workspace.html). */
  demoDir: string;
  isSameSite: (c: Context) => boolean;
  /** Keep-alive comment interval of the session stream. Default 15 s. */
  keepAliveMs?: number;
  /** Aborted when the server closes: open streams end. */
  closed: AbortSignal;
  log: (line: string) => void;
}

const MAX_EMAIL = 254;
// A dot-atom local part (RFC 5322 atext), then a host name of dot-separated labels.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;

const NOTICE_STATUS: Record<SignInNotice, ContentfulStatusCode> = {
  invalid_email: 400,
  domain_not_verified: 409,
  sso_not_enabled: 409,
  not_provisioned: 403,
  deactivated: 403,
  sso_failed: 401,
  sso_state_invalid: 400,
  unavailable: 503,
  ended_by_directory: 401,
};

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function fail(c: Context, status: ContentfulStatusCode, code: string, message: string, extra: Record<string, string> = {}) {
  c.header('Cache-Control', 'no-store');
  return c.json({ error: { code, message, ...extra } }, status);
}

/** The parsed `email` query parameter: given once, an address, a domain; else null. */
function emailOf(c: Context): { email: string; domain: string } | null {
  const values = new URL(c.req.url).searchParams.getAll('email');
  if (values.length !== 1) return null;
  const email = values[0]!.trim();
  if (email.length > MAX_EMAIL) return null;
  const match = EMAIL.exec(email);
  return match ? { email, domain: match[1]!.toLowerCase() } : null;
}

function findMember(members: Member[], email: string): Member | undefined {
  const wanted = email.toLowerCase();
  const matching = members.filter((member) => member.email.toLowerCase() === wanted);
  return matching.find((member) => member.active) ?? matching[0];
}

export function employeeSignIn(options: EmployeeSignInOptions): Hono {
  const { scalekit, sessions, members, data, log } = options;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const app = new Hono();

  /** A built page; with a notice, the sign-in page opens on that notice (read by its script from `<body>`). */
  const page = async (c: Context, file: string, notice?: { code: SignInNotice; domain?: string; detail?: string }) => {
    const html = await readFile(join(options.demoDir, file), 'utf8').catch(() => null);
    c.header('Cache-Control', 'no-store');
    const status = notice ? NOTICE_STATUS[notice.code] : 200;
    if (html === null) return c.text(notice ? `Sign-in: ${notice.code}` : 'The demo pages are not built yet (npx vite build).', notice ? status : 503);
    if (!notice) return c.html(html);
    const attributes = [
      `data-notice="${notice.code}"`,
      notice.domain ? `data-domain="${escapeAttribute(notice.domain)}"` : '',
      notice.detail ? `data-detail="${escapeAttribute(notice.detail)}"` : '',
    ].filter(Boolean).join(' ');
    return c.html(html.replace('<body', `<body ${attributes}`), status);
  };

  app.get('/signin', (c) => page(c, 'signin.html'));

  // Home-realm discovery, Northwind's side: before sending anyone to an identity provider, say what to do when
  // their company has not verified the email's domain (or has no SSO on yet). The address itself is never logged.
  app.get('/signin/start', async (c) => {
    const parsed = emailOf(c);
    if (!parsed) return page(c, 'signin.html', { code: 'invalid_email' });
    let connections: Array<{ enabled?: boolean }>;
    try {
      ({ connections } = await scalekit.connection.listConnectionsByDomain(parsed.domain));
    } catch (error) {
      log(`northwind sign-in: domain lookup failed (${fromUpstreamError(error).code})`);
      return page(c, 'signin.html', { code: 'unavailable' });
    }
    if (connections.length === 0) return page(c, 'signin.html', { code: 'domain_not_verified', domain: parsed.domain });
    if (!connections.some((connection) => connection.enabled)) return page(c, 'signin.html', { code: 'sso_not_enabled', domain: parsed.domain });
    c.header('Cache-Control', 'no-store');
    return c.redirect(`/auth/sso/start?${new URLSearchParams({ email: parsed.email })}`, 302);
  });

  const onSignIn = async (c: Context, signIn: SsoSignIn) => {
    const member = findMember(members.list(signIn.organizationId), signIn.user.email);
    if (!member) return page(c, 'signin.html', { code: 'not_provisioned' });
    if (!member.active) {
      // A person the directory turned off tried to come back, and Northwind said no: access revoked, proved.
      await data.complete(signIn.organizationId, ['access_revoked']);
      return page(c, 'signin.html', { code: 'deactivated' });
    }
    const id = sessions.start(member, signIn.organizationId, signIn.idToken);
    setSessionCookie(c, id);
    await data.complete(signIn.organizationId, ['sso_signed_in']);
    c.header('Cache-Control', 'no-store');
    return c.redirect('/workspace', 302);
  };

  const onError = (c: Context, error: ScalekitRouteError) => {
    if (error.code === 'sso_failed') return page(c, 'signin.html', { code: 'sso_failed', detail: error.message });
    if (error.code === 'sso_state_invalid') return page(c, 'signin.html', { code: 'sso_state_invalid' });
    if (error.code === 'invalid_request') return page(c, 'signin.html', { code: 'invalid_email' });
    return page(c, 'signin.html', { code: 'unavailable' });
  };

  app.route(
    '/auth/sso',
    scalekitSso({ scalekit, redirectUri: `${options.publicUrl}/auth/sso/callback`, onSignIn, onError, log }),
  );

  app.get('/workspace', async (c) => {
    const lookup = sessions.lookup(sessionIdOf(c));
    if (lookup.state === 'active') return page(c, 'workspace.html');
    clearSessionCookie(c);
    if (lookup.state === 'ended' && lookup.reason === 'directory') return page(c, 'signin.html', { code: 'ended_by_directory' });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/signin', 302);
  });

  const api = new Hono();
  api.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  /** The request's active session, or the 401 that refuses it (saying why, when the directory ended it). */
  const activeSession = (c: Context) => {
    const id = sessionIdOf(c);
    const lookup = sessions.lookup(id);
    if (lookup.state === 'active') return { id: id!, session: lookup.session };
    // A session the directory ended keeps its cookie until a page has said so (/workspace clears it).
    if (!(lookup.state === 'ended' && lookup.reason === 'directory')) clearSessionCookie(c);
    return lookup.state === 'ended' && lookup.reason === 'directory'
      ? fail(c, 401, 'session_ended', "Your organization's directory deactivated your account; you have been signed out.", { reason: 'directory' })
      : fail(c, 401, 'unauthenticated', 'Sign in with your work email first.');
  };

  api.get('/me', async (c) => {
    const active = activeSession(c);
    if (active instanceof Response) return active;
    const { session } = active;
    const member = members.list(session.organizationId).find((m) => m.id === session.memberId);
    if (!member) return fail(c, 401, 'unauthenticated', 'Sign in with your work email first.');
    const profile: EmployeeProfile = {
      name: member.name,
      email: member.email,
      groups: member.groups,
      role: roleOf(member.groups),
      organization: { id: session.organizationId, name: await organizationName(session.organizationId) },
    };
    return c.json(profile);
  });

  api.get('/stream', (c) => {
    const active = activeSession(c);
    if (active instanceof Response) return active;
    return streamSSE(c, async (stream) => {
      let end = () => {};
      const ended = new Promise<void>((resolve) => (end = resolve));
      let reason: string | null = null;
      const unfollow = sessions.follow(active.id, (why) => {
        reason = why;
        end();
      });
      stream.onAbort(end);
      options.closed.addEventListener('abort', end);
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      try {
        await stream.writeSSE({ event: 'session', data: JSON.stringify({ state: 'active' }) });
        if (stream.aborted || options.closed.aborted || sessions.lookup(active.id).state !== 'active') end();
        await ended;
        reason ??= sessions.lookup(active.id).state === 'ended' ? 'signed_out' : null;
        if (reason !== null && !stream.aborted) await stream.writeSSE({ event: 'ended', data: JSON.stringify({ reason }) });
      } finally {
        clearInterval(keepAlive);
        options.closed.removeEventListener('abort', end);
        unfollow();
      }
    });
  });

  api.post('/sign-out', (c) => {
    if (!options.isSameSite(c)) return fail(c, 403, 'forbidden', 'Cross-site requests are refused.');
    const session = sessions.signOut(sessionIdOf(c));
    clearSessionCookie(c);
    // Also end the identity provider's session, so the next sign-in asks who you are again.
    const next = session
      ? scalekit.getLogoutUrl({ idTokenHint: session.idToken, postLogoutRedirectUri: `${options.publicUrl}/signin` })
      : '/signin';
    return c.json({ next });
  });

  api.all('*', (c) => fail(c, 404, 'invalid_request', 'No such API route.'));
  app.route('/api/employee', api);

  async function organizationName(organizationId: string): Promise<string> {
    const customer = await data.customerByOrganizationId(organizationId).catch(() => null);
    if (customer) return customer.name;
    try {
      const { organization } = await scalekit.organization.getOrganization(organizationId);
      return organization?.displayName || organizationId;
    } catch {
      return organizationId;
    }
  }

  return app;
}
