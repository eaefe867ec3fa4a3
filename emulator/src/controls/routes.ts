// /_emulator/*: test and demo controls (stats, faults — DNS checks included —, reset), each behind the control token. One Hono app; the directory module mounts its
// directory and webhook controls as sub-routers through `extend` in http.ts.
import { Hono } from 'hono';
import { controlError, readJsonObject } from '../http/json-body.js';
import { limitBody } from '../body-limit.js';
import { requireControlToken } from './token.js';
import type { BrandingStore } from '../branding.js';
import { Faults } from '../faults.js';

export interface ControlDeps {
  /** Every route asks for `Authorization: Bearer <controlToken>`. */
  controlToken: string;
  faults: Faults;
  branding: BrandingStore;
  knownMethods: () => ReadonlySet<string>;
  stats: () => unknown;
  reset: () => void;
}

type FaultBody = { token?: unknown; rpc?: unknown; latencyMs?: unknown; dnsCheck?: unknown; clear?: unknown };
const FAULT_KEYS = new Set(['token', 'rpc', 'latencyMs', 'dnsCheck', 'clear']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies a faults body to `faults`; throws a RangeError/TypeError describing the first problem. */
function applyFaults(faults: Faults, body: FaultBody): void {
  const unknown = Object.keys(body).filter((k) => !FAULT_KEYS.has(k));
  if (unknown.length) throw new TypeError(`unknown field: ${unknown[0]!.slice(0, 40)}`);
  if (Object.keys(body).length === 0) throw new TypeError('expected at least one of token, rpc, latencyMs, dnsCheck, clear');
  if (body.clear !== undefined) {
    if (body.clear !== true) throw new TypeError('clear must be true');
    faults.clear();
  }
  if (body.token !== undefined) {
    if (!isObject(body.token)) throw new TypeError('token must be { count, status }');
    faults.failTokenRequests(body.token.count as number, body.token.status as number);
  }
  if (body.rpc !== undefined) {
    if (!isObject(body.rpc)) throw new TypeError('rpc must be { count, code, method? }');
    faults.failRpcs(body.rpc.count as number, body.rpc.code as string, body.rpc.method as string | undefined);
  }
  if (body.latencyMs !== undefined) faults.setLatency(body.latencyMs as number);
  if (body.dnsCheck !== undefined) {
    if (!isObject(body.dnsCheck) || typeof body.dnsCheck.domain !== 'string' ||
        Object.keys(body.dnsCheck).some((key) => key !== 'domain' && key !== 'count')) {
      throw new TypeError('dnsCheck must be { domain, count? }');
    }
    faults.failDnsChecks(body.dnsCheck.domain, (body.dnsCheck.count ?? 1) as number);
  }
}

export function controlRoutes(deps: ControlDeps, extend?: (app: Hono) => void): Hono {
  const app = new Hono();

  // A web page elsewhere, or another process on the machine, must not be able to reset or break a developer's
  // emulator, nor read its live link ids. No CORS headers are ever set, so no other origin reads an answer.
  app.use('*', requireControlToken(deps.controlToken));
  app.use('*', async (c, next) => {
    if (c.req.header('sec-fetch-site') === 'cross-site') return controlError(c, 403, 'cross-site request refused', 'forbidden');
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.use('*', limitBody(16 * 1024, (c) => controlError(c, 413, 'body over 16 KiB', 'payload_too_large')));

  app.get('/stats', (c) => c.json(deps.stats()));

  app.post('/faults', async (c) => {
    const body = await readJsonObject(c);
    if (body instanceof Response) return body;
    try {
      applyFaults(new Faults(deps.knownMethods), body); // dry run: nothing changes unless all of it is valid
    } catch (error) {
      return controlError(c, 400, (error as Error).message);
    }
    applyFaults(deps.faults, body);
    return c.json({ ok: true });
  });

  app.post('/reset', (c) => {
    deps.reset();
    return c.json({ ok: true });
  });

  // Branding: PUT replaces it whole (fields left out return to the default), DELETE clears it.
  app.get('/branding', (c) => c.json({ branding: deps.branding.get() }));
  app.put('/branding', async (c) => {
    const body = await readJsonObject(c);
    if (body instanceof Response) return body;
    try {
      return c.json({ branding: deps.branding.set(body) });
    } catch (error) {
      return controlError(c, 400, (error as Error).message);
    }
  });
  app.delete('/branding', (c) => c.json({ branding: deps.branding.set(null) }));

  extend?.(app);
  app.notFound((c) => controlError(c, 404, 'no such emulator control', 'not_found'));
  return app;
}
