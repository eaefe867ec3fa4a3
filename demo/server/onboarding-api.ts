// The package's onboarding API as the demo uses it (CONTRACT §6 names): ensureOrganization, scalekitSetupLinks,
// sqlSetupLinkStore. PROVISIONAL: a stand-in with the same names and answers until the package ships them; then
// this file becomes a re-export of 'scalekit-admin-portal/server'.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { describeError, errorBody, fromUpstreamError, statusOf } from '../../server/errors.js';
import { isSameSiteRequest } from '../../server/portal-link.js';
import type { PortalPrincipal } from '../../server/portal-link.js';
import type { PortalFeature, ScalekitClientLike } from '../../server/scalekit-client.js';
import { scalekitApi } from '../../server/sdk-client.js';

export async function ensureOrganization(
  scalekit: ScalekitClientLike,
  input: { externalId: string; name: string; metadata?: Record<string, string> },
): Promise<{ organizationId: string; externalId: string; name: string; created: boolean }> {
  if (typeof input.externalId !== 'string' || input.externalId.trim() === '' || input.externalId.length > 255) {
    throw new TypeError('externalId must be a non-empty string of at most 255 characters');
  }
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) {
    throw new TypeError('name must be a non-empty string of at most 200 characters');
  }
  const api = scalekitApi(scalekit);
  const found = await api.getOrganizationByExternalId(input.externalId);
  if (found) return { organizationId: found.id, externalId: input.externalId, name: found.name, created: false };
  try {
    const org = await api.createOrganization({ name: input.name, externalId: input.externalId, metadata: input.metadata });
    return { organizationId: org.id, externalId: input.externalId, name: org.name, created: true };
  } catch (error) {
    if ((error as { grpcStatus?: unknown })?.grpcStatus !== 6) throw error;
    const again = await api.getOrganizationByExternalId(input.externalId);
    if (!again) throw error;
    return { organizationId: again.id, externalId: input.externalId, name: again.name, created: false };
  }
}

export interface SetupLinkRecord {
  id: string;
  organizationId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  note: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  uses: number;
  portalLinkIds: string[];
}

export interface SetupLinkStore {
  insert(record: SetupLinkRecord): Promise<void>;
  byTokenHash(tokenHash: string): Promise<SetupLinkRecord | null>;
  byId(id: string): Promise<SetupLinkRecord | null>;
  list(organizationId: string): Promise<SetupLinkRecord[]>;
  update(record: SetupLinkRecord): Promise<void>;
}

export class MemorySetupLinkStore implements SetupLinkStore {
  readonly #records = new Map<string, SetupLinkRecord>();
  async insert(record: SetupLinkRecord) {
    this.#records.set(record.id, structuredClone(record));
  }
  async byTokenHash(tokenHash: string) {
    for (const r of this.#records.values()) if (r.tokenHash === tokenHash) return structuredClone(r);
    return null;
  }
  async byId(id: string) {
    const r = this.#records.get(id);
    return r ? structuredClone(r) : null;
  }
  async list(organizationId: string) {
    return [...this.#records.values()].filter((r) => r.organizationId === organizationId).map((r) => structuredClone(r));
  }
  async update(record: SetupLinkRecord) {
    this.#records.set(record.id, structuredClone(record));
  }
}

type Sql = { query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }> };

export function sqlSetupLinkStore(db: Sql): SetupLinkStore {
  let ready: Promise<unknown> | null = null;
  const init = () =>
    (ready ??= db.query(`CREATE TABLE IF NOT EXISTS scalekit_setup_links (
      id text PRIMARY KEY, organization_id text NOT NULL, token_hash text NOT NULL UNIQUE, record jsonb NOT NULL)`));
  const one = (rows: Array<Record<string, unknown>>) =>
    rows[0] ? (typeof rows[0]['record'] === 'string' ? JSON.parse(rows[0]['record']) : rows[0]['record']) as SetupLinkRecord : null;
  return {
    async insert(r) {
      await init();
      await db.query('INSERT INTO scalekit_setup_links (id, organization_id, token_hash, record) VALUES ($1, $2, $3, $4)', [
        r.id, r.organizationId, r.tokenHash, JSON.stringify(r),
      ]);
    },
    async byTokenHash(h) {
      await init();
      return one((await db.query('SELECT record FROM scalekit_setup_links WHERE token_hash = $1', [h])).rows);
    },
    async byId(id) {
      await init();
      return one((await db.query('SELECT record FROM scalekit_setup_links WHERE id = $1', [id])).rows);
    },
    async list(org) {
      await init();
      const { rows } = await db.query('SELECT record FROM scalekit_setup_links WHERE organization_id = $1', [org]);
      return rows.map((row) => one([row])!);
    },
    async update(r) {
      await init();
      await db.query('UPDATE scalekit_setup_links SET record = $2 WHERE id = $1', [r.id, JSON.stringify(r)]);
    },
  };
}

export interface ScalekitSetupLinksOptions {
  scalekit: ScalekitClientLike;
  authorize: (c: Context) => PortalPrincipal | null | Promise<PortalPrincipal | null>;
  publicUrl: string;
  ttlMs?: number;
  store?: SetupLinkStore;
  features?: readonly PortalFeature[];
  now?: () => number;
  log?: (line: string) => void;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function fail(c: Context, status: 400 | 401 | 403 | 404 | 405 | 410 | 413 | 415, code: string, message: string) {
  c.header('Cache-Control', 'no-store');
  return c.json({ error: { code, message } }, status);
}

async function jsonObject(c: Context): Promise<Record<string, unknown> | Response> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return fail(c, 415, 'unsupported_media_type', 'Send the request as application/json.');
  }
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return fail(c, 400, 'invalid_request', 'The body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(c, 400, 'invalid_request', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function scalekitSetupLinks(options: ScalekitSetupLinksOptions): Hono {
  const ttlMs = options.ttlMs ?? 7 * 24 * 60 * 60 * 1000;
  const store = options.store ?? new MemorySetupLinkStore();
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const api = scalekitApi(options.scalekit);
  const app = new Hono();
  const limit = bodyLimit({ maxSize: 4096, onError: (c) => fail(c, 413, 'payload_too_large', 'The request body is larger than 4 KiB.') });

  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isSameSiteRequest(c)) {
      return fail(c, 403, 'forbidden', 'Cross-site requests are refused.');
    }
    await next();
  });

  const principal = async (c: Context) => {
    const who = await options.authorize(c);
    return who && typeof who.organizationId === 'string' ? who : null;
  };
  const view = (r: SetupLinkRecord) => ({
    id: r.id, createdAt: r.createdAt, expiresAt: r.expiresAt, note: r.note, revokedAt: r.revokedAt, lastUsedAt: r.lastUsedAt, uses: r.uses,
  });

  app.post('/setup-links/portal-link', limit, async (c) => {
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const token = body['token'];
    if (typeof token !== 'string' || !TOKEN.test(token)) return fail(c, 401, 'setup_link_invalid', 'This setup link is not valid.');
    const record = await store.byTokenHash(hash(token));
    if (!record) return fail(c, 401, 'setup_link_invalid', 'This setup link is not valid.');
    if (record.revokedAt) return fail(c, 410, 'setup_link_revoked', 'This setup link was revoked.');
    if (Date.parse(record.expiresAt) <= now()) return fail(c, 410, 'setup_link_expired', 'This setup link has expired.');
    const features = Array.isArray(body['features'])
      ? (body['features'] as unknown[]).filter((f): f is PortalFeature => f === 'sso' || f === 'dir_sync')
      : undefined;
    try {
      const link = await api.generatePortalLink(record.organizationId, features ?? options.features);
      record.uses += 1;
      record.lastUsedAt = new Date(now()).toISOString();
      record.portalLinkIds = [...record.portalLinkIds, link.id].slice(-100);
      await store.update(record);
      return c.json(link);
    } catch (error) {
      const failure = fromUpstreamError(error);
      log(`setup links: minting a portal link failed -> ${failure.code}: ${describeError(error)}`);
      return c.json(errorBody(failure.code, failure.message), statusOf(failure.code));
    }
  });

  app.all('/setup-links/portal-link', (c) => fail(c, 405, 'method_not_allowed', 'Use POST.'));

  app.post('/setup-links', limit, async (c) => {
    const who = await principal(c);
    if (!who) return fail(c, 401, 'unauthenticated', 'Sign in first.');
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const note = body['note'];
    if (note !== undefined && note !== null && (typeof note !== 'string' || note.length > 200)) {
      return fail(c, 400, 'invalid_request', 'note must be a string of at most 200 characters.');
    }
    const token = randomBytes(32).toString('base64url');
    const at = now();
    const record: SetupLinkRecord = {
      id: `setup_${randomUUID()}`,
      organizationId: who.organizationId,
      tokenHash: hash(token),
      createdAt: new Date(at).toISOString(),
      expiresAt: new Date(at + ttlMs).toISOString(),
      note: typeof note === 'string' && note !== '' ? note : null,
      revokedAt: null,
      lastUsedAt: null,
      uses: 0,
      portalLinkIds: [],
    };
    await store.insert(record);
    return c.json({ id: record.id, url: `${options.publicUrl}#${token}`, expiresAt: record.expiresAt, createdAt: record.createdAt, note: record.note }, 201);
  });

  app.get('/setup-links', async (c) => {
    const who = await principal(c);
    if (!who) return fail(c, 401, 'unauthenticated', 'Sign in first.');
    const records = await store.list(who.organizationId);
    records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return c.json({ setupLinks: records.map(view) });
  });

  app.delete('/setup-links/:id', async (c) => {
    const who = await principal(c);
    if (!who) return fail(c, 401, 'unauthenticated', 'Sign in first.');
    const id = c.req.param('id');
    const record = /^[A-Za-z0-9_-]{1,100}$/.test(id) ? await store.byId(id) : null;
    if (!record || record.organizationId !== who.organizationId) return fail(c, 404, 'setup_link_not_found', 'No such setup link.');
    if (!record.revokedAt) {
      record.revokedAt = new Date(now()).toISOString();
      await store.update(record);
      for (const linkId of record.portalLinkIds) {
        await api.deletePortalLink(record.organizationId, linkId).catch(() => undefined);
      }
    }
    return c.body(null, 204);
  });

  app.onError((error, c) => {
    log(`setup links: internal error: ${describeError(error)}`);
    return c.json(errorBody('internal'), 500);
  });
  return app;
}
