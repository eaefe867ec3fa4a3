// /_emulator/domains/*: organization domains for tests and demos, behind the control token like every control.
//   GET    /domains/:orgId                      → { domains: [...] }
//   POST   /domains/:orgId  { domain, type?, verified? } → 201 { domain }
//   POST   /domains/:orgId/:domainId/verify     → { verified, domain } (the simulated DNS check)
//   DELETE /domains/:orgId/:domainId            → 204
// A failing DNS check is a fault: POST /_emulator/faults { "dnsCheck": { "domain", "count" } }.
import type { Context, Hono } from 'hono';
import { controlError, readJsonObject } from '../http/json-body.js';
import { DomainError, type DomainRegistry } from '../domains/domain-registry.js';
import type { DomainRecord } from '../state.js';
import type { EmulatorDomain } from '../types.js';

export function domainView(record: DomainRecord, organizationId: string): EmulatorDomain {
  return {
    id: record.id,
    organizationId,
    domain: record.domain,
    type: record.type,
    status: record.status,
    txtRecord: { name: record.txtRecordKey, value: record.txtRecordSecret },
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

const BODY_KEYS = new Set(['domain', 'type', 'verified']);

function answer(c: Context, work: () => Response): Response {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const notFound = error.code === 'organization_not_found' || error.code === 'domain_not_found';
    return controlError(c, notFound ? 404 : 400, error.message, error.code);
  }
}

export function mountDomainControls(app: Hono, registry: DomainRegistry): void {
  app.get('/domains/:orgId', (c) =>
    answer(c, () => {
      const orgId = c.req.param('orgId');
      return c.json({ domains: registry.list(orgId).map((record) => domainView(record, orgId)) });
    }));

  app.post('/domains/:orgId', async (c) => {
    const body = await readJsonObject(c);
    if (body instanceof Response) return body;
    const unknown = Object.keys(body).find((key) => !BODY_KEYS.has(key));
    if (unknown !== undefined) return controlError(c, 400, 'a domain takes { domain, type?, verified? }');
    return answer(c, () => {
      const orgId = c.req.param('orgId');
      const record = registry.create(orgId, body.domain, { type: body.type, verified: body.verified });
      return c.json({ domain: domainView(record, orgId) }, 201);
    });
  });

  app.post('/domains/:orgId/:domainId/verify', (c) =>
    answer(c, () => {
      const orgId = c.req.param('orgId');
      const verified = registry.verify(orgId, c.req.param('domainId'));
      return c.json({ verified, domain: domainView(registry.get(orgId, c.req.param('domainId')), orgId) });
    }));

  app.delete('/domains/:orgId/:domainId', (c) =>
    answer(c, () => {
      registry.delete(c.req.param('orgId'), c.req.param('domainId'));
      return c.body(null, 204);
    }));
}
