/**
 * HTTP surface of the simulated identity provider and the webhook sender.
 *
 * Test/demo controls, mounted on the emulator's `/_emulator` app (which already refuses cross-site requests,
 * limits bodies and sets no-store):
 *   GET    /_emulator/webhooks                          → { url: string | null }   (never the secret)
 *   PUT    /_emulator/webhooks   { url, secret }         → { url }
 *   DELETE /_emulator/webhooks                          → { url: null }
 *   GET    /_emulator/webhooks/deliveries               → { deliveries: WebhookDelivery[] } (newest last)
 *   GET    /_emulator/directory/:orgId                  → { directory | null, users, groups }
 *   POST   /_emulator/directory/:orgId/enable | /disable → { directory }
 *   POST   /_emulator/directory/:orgId/users            { email, givenName?, familyName?, name?, groups?, roles?, active? } → 201 { user }
 *   PATCH  /_emulator/directory/:orgId/users/:userId    (same fields, all optional) → { user }
 *   POST   /_emulator/directory/:orgId/users/:userId/deactivate → { user }
 *   DELETE /_emulator/directory/:orgId/users/:userId    → { ok: true }
 *   POST   /_emulator/directory/:orgId/groups           { displayName } → 201 { group }
 *   PATCH  /_emulator/directory/:orgId/groups/:groupId  { displayName } → { group }
 *   DELETE /_emulator/directory/:orgId/groups/:groupId  → { ok: true }
 *   PUT | DELETE /_emulator/directory/:orgId/groups/:groupId/members/:userId → { user }
 *
 * The portal page's panel uses the same user/group routes under `/portal/directory`, with the organization
 * taken from its portal session (header `x-portal-session`), never from the request — so a page can only
 * act on the directory of the organization its link was minted for.
 *
 * Errors: `{ error: { code, message } }` — 400 invalid_request, 401 session_expired, 404 not_found,
 * 409 conflict / directory_disabled, 413, 415, 422 limit_exceeded.
 */
import { Hono, type Context } from 'hono';
import { limitBody } from '../body-limit.js';
import { DirectoryError, type DirectoryGroup, type DirectoryState, type DirectoryUser } from './directory-state.js';
import type { WebhookSender } from './webhook-sender.js';
import { SESSION_HEADER } from '../portal/session-header.js';

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422;

export function jsonError(c: Context, status: ErrorStatus, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

const STATUS_BY_CODE: Record<DirectoryError['code'], ErrorStatus> = {
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  directory_disabled: 409,
  limit_exceeded: 422,
};

/** Runs a state operation; DirectoryErrors become their JSON answer, anything else propagates (→ 500). */
function attempt(c: Context, work: () => Response | Promise<Response>): Response | Promise<Response> {
  try {
    return work();
  } catch (error) {
    if (error instanceof DirectoryError) return jsonError(c, STATUS_BY_CODE[error.code], error.code, error.message);
    throw error;
  }
}

async function readBody(c: Context): Promise<unknown | Response> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return jsonError(c, 415, 'unsupported_media_type', 'expected Content-Type: application/json');
  }
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return jsonError(c, 400, 'invalid_request', 'body is not valid JSON');
  }
}

/** The JSON view of a user, with group names resolved. */
export function userView(state: DirectoryState, user: DirectoryUser, groupNames?: ReadonlyMap<string, string>) {
  const groups = groupNames ?? new Map((state.snapshot(user.organizationId)?.groups ?? []).map((g) => [g.id, g.displayName]));
  return {
    id: user.id,
    dpId: user.dpId,
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    name: user.name,
    preferredUsername: user.preferredUsername,
    active: user.active,
    groups: user.groupIds.filter((id) => groups.has(id)).map((id) => ({ id, name: groups.get(id)! })),
    roles: [...user.roles],
    updatedAt: user.updatedAt,
  };
}

export function groupView(state: DirectoryState, group: DirectoryGroup) {
  return {
    id: group.id,
    dpId: group.dpId,
    displayName: group.displayName,
    members: state.memberCount(group.organizationId, group.id),
    updatedAt: group.updatedAt,
  };
}

/** Everything the panel and tests need about one organization's directory (no SCIM bearer token). */
export function directoryView(state: DirectoryState, organizationId: string) {
  const snapshot = state.snapshot(organizationId);
  if (!snapshot) return { directory: null, users: [], groups: [] };
  const { bearerToken: _token, ...directory } = snapshot.directory;
  const groupNames = new Map(snapshot.groups.map((g) => [g.id, g.displayName])); // once, not per user
  return {
    directory,
    users: snapshot.users.map((user) => userView(state, user, groupNames)),
    groups: snapshot.groups.map((group) => groupView(state, group)),
  };
}

/**
 * Registers the user/group routes under `prefix` (`''` for the app's root) on `app`; `organizationOf` names the organization for a
 * request or answers it (e.g. 401) itself.
 */
export function mountDirectoryRoutes(
  app: Hono,
  prefix: string,
  state: DirectoryState,
  organizationOf: (c: Context) => string | Response,
): void {
  const withOrg = (handler: (c: Context, orgId: string) => Response | Promise<Response>) => async (c: Context) => {
    const orgId = organizationOf(c);
    if (orgId instanceof Response) return orgId;
    return handler(c, orgId);
  };
  const withBody = (handler: (c: Context, orgId: string, body: unknown) => Response) => withOrg(async (c, orgId) => {
    const body = await readBody(c);
    if (body instanceof Response) return body;
    return attempt(c, () => handler(c, orgId, body));
  });

  app.get(prefix || '/', withOrg((c, orgId) => attempt(c, () => {
    state.findDirectory(orgId); // validates the organization (404 when unknown)
    return c.json(directoryView(state, orgId));
  })));
  app.post(`${prefix}/users`, withBody((c, orgId, body) => c.json({ user: userView(state, state.addUser(orgId, body)) }, 201)));
  app.patch(`${prefix}/users/:userId`, withBody((c, orgId, body) =>
    c.json({ user: userView(state, state.updateUser(orgId, c.req.param('userId'), body)) })));
  app.post(`${prefix}/users/:userId/deactivate`, withOrg((c, orgId) => attempt(c, () =>
    c.json({ user: userView(state, state.deactivateUser(orgId, c.req.param('userId'))) }))));
  app.delete(`${prefix}/users/:userId`, withOrg((c, orgId) => attempt(c, () => {
    state.deleteUser(orgId, c.req.param('userId'));
    return c.json({ ok: true });
  })));
  app.post(`${prefix}/groups`, withBody((c, orgId, body) => c.json({ group: groupView(state, state.addGroup(orgId, body)) }, 201)));
  app.patch(`${prefix}/groups/:groupId`, withBody((c, orgId, body) =>
    c.json({ group: groupView(state, state.updateGroup(orgId, c.req.param('groupId'), body)) })));
  app.delete(`${prefix}/groups/:groupId`, withOrg((c, orgId) => attempt(c, () => {
    state.deleteGroup(orgId, c.req.param('groupId'));
    return c.json({ ok: true });
  })));
  app.put(`${prefix}/groups/:groupId/members/:userId`, withOrg((c, orgId) => attempt(c, () =>
    c.json({ user: userView(state, state.addMember(orgId, c.req.param('groupId'), c.req.param('userId'))) }))));
  app.delete(`${prefix}/groups/:groupId/members/:userId`, withOrg((c, orgId) => attempt(c, () =>
    c.json({ user: userView(state, state.removeMember(orgId, c.req.param('groupId'), c.req.param('userId'))) }))));
}

export interface DirectoryControlDeps {
  state: DirectoryState;
  sender: WebhookSender;
  /** Turns directory sync on/off (the emulator routes this through the portal's own directory record). */
  setEnabled: (organizationId: string, enabled: boolean) => void;
}

/** Adds the webhook and directory controls to the emulator's `/_emulator` app. */
export function mountDirectoryControls(app: Hono, deps: DirectoryControlDeps): void {
  const { state, sender } = deps;

  app.get('/webhooks', (c) => c.json({ url: sender.targetUrl() }));
  app.put('/webhooks', async (c) => {
    const body = await readBody(c);
    if (body instanceof Response) return body;
    // Clearing is DELETE; PUT always names a receiver.
    if (typeof body !== 'object' || body === null || Array.isArray(body) ||
        Object.keys(body).some((key) => key !== 'url' && key !== 'secret')) {
      return jsonError(c, 400, 'invalid_request', 'webhooks takes exactly { url, secret }');
    }
    try {
      sender.setTarget(body as never);
    } catch (error) {
      return jsonError(c, 400, 'invalid_request', (error as Error).message);
    }
    return c.json({ url: sender.targetUrl() });
  });
  app.delete('/webhooks', (c) => {
    sender.setTarget(null);
    return c.json({ url: null });
  });
  app.get('/webhooks/deliveries', (c) => c.json({ deliveries: sender.deliveries() }));

  const orgParam = (c: Context) => c.req.param('orgId') ?? '';
  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/directory/:orgId/${action}`, (c) => attempt(c, () => {
      const orgId = orgParam(c);
      state.findDirectory(orgId); // validates first: unknown organization → 404
      deps.setEnabled(orgId, enabled);
      return c.json(directoryView(state, orgId));
    }));
  }
  mountDirectoryRoutes(app, '/directory/:orgId', state, orgParam);
}

export interface PanelRouteDeps {
  state: DirectoryState;
  /** The organization of a live portal session with directory sync in its features, or null. */
  sessionOrganization: (token: string) => string | null;
}

/** `/portal/directory/*` for the portal page's simulated-IdP panel: scoped to the page's own session. */
export function panelRoutes(deps: PanelRouteDeps): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    // Only the portal page itself (same origin) may drive its IdP panel.
    if (c.req.header('sec-fetch-site') === 'cross-site') return jsonError(c, 403, 'forbidden', 'cross-site request refused');
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.use('*', limitBody(16 * 1024, (c) => jsonError(c, 413, 'payload_too_large', 'body over 16 KiB')));
  mountDirectoryRoutes(app, '', deps.state, (c) => {
    const token = c.req.header(SESSION_HEADER) ?? '';
    const orgId = token.length > 0 && token.length <= 200 ? deps.sessionOrganization(token) : null;
    return orgId ?? jsonError(c, 401, 'session_expired', 'the portal session is over; open a new portal link');
  });
  app.notFound((c) => jsonError(c, 404, 'not_found', 'no such directory route'));
  return app;
}
