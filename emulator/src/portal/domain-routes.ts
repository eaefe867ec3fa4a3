// The portal page's domain section API (`/portal/domains/*`), for a session whose link has
// `domain_verification`: the organization's admin adds a domain, reads the TXT record to publish, runs the
// (simulated) DNS check and deletes domains. Authorised by the session token in `x-portal-session`, like the
// rest of the page's API; only the page itself may call it (portalPageOnly guards `/portal/*`).
import { Hono } from 'hono';
import { limitBody } from '../body-limit.js';
import { controlError, readJsonObject } from '../http/json-body.js';
import { DomainError, type DomainRegistry } from '../domains/domain-registry.js';
import type { EmulatorState, PortalSession } from '../state.js';
import { portalDomainView } from './domain-view.js';
import { SESSION_HEADER } from './session-header.js';

const ID = /^dom_[0-9]{1,40}$/;

export function domainPortalRoutes(deps: { state: EmulatorState; registry: DomainRegistry }): Hono<{ Variables: { session: PortalSession } }> {
  const { state, registry } = deps;
  const app = new Hono<{ Variables: { session: PortalSession } }>();
  app.use('*', limitBody(4 * 1024, (c) => controlError(c, 413, 'body over 4 KiB', 'payload_too_large')));
  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store'); // answers carry the TXT record values
    const token = c.req.header(SESSION_HEADER);
    const session = token && token.length <= 200 ? state.session(token) : null;
    if (!session) return c.json({ error: { code: 'session_expired', message: 'The portal session has ended.' } }, 401);
    if (!session.features.includes('domain_verification')) {
      return controlError(c, 403, 'this portal link does not include domain verification', 'forbidden');
    }
    c.set('session', session);
    await next();
  });

  const list = (organizationId: string) => registry.list(organizationId, 'ORGANIZATION_DOMAIN').map(portalDomainView);
  const refused = (error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    return error;
  };

  app.post('/list', (c) => c.json({ domains: list(c.get('session').organizationId) }));

  app.post('/add', async (c) => {
    const body = await readJsonObject(c);
    if (body instanceof Response) return body;
    if (typeof body.domain !== 'string') return controlError(c, 400, 'domain must be a string');
    const { organizationId } = c.get('session');
    try {
      const record = registry.create(organizationId, body.domain, { type: 'ORGANIZATION_DOMAIN' });
      return c.json({ domain: portalDomainView(record), domains: list(organizationId) });
    } catch (error) {
      const problem = refused(error);
      return controlError(c, problem.code === 'organization_not_found' ? 404 : 400, problem.message, problem.code);
    }
  });

  for (const action of ['verify', 'delete'] as const) {
    app.post(`/${action}`, async (c) => {
      const body = await readJsonObject(c);
      if (body instanceof Response) return body;
      if (typeof body.id !== 'string' || !ID.test(body.id)) return controlError(c, 400, 'id must be a domain id (dom_…)');
      const { organizationId } = c.get('session');
      try {
        if (action === 'delete') {
          registry.delete(organizationId, body.id);
          return c.json({ domains: list(organizationId) });
        }
        const verified = registry.verify(organizationId, body.id);
        return c.json({ verified, domain: portalDomainView(registry.get(organizationId, body.id)), domains: list(organizationId) });
      } catch (error) {
        const problem = refused(error);
        const notFound = problem.code === 'domain_not_found' || problem.code === 'organization_not_found';
        return controlError(c, notFound ? 404 : 400, problem.message, problem.code);
      }
    });
  }
  return app;
}
