// A small stand-in for the two things the element talks to, served by the test runner:
//   - the host's link endpoint, on the test page's own origin (POST /api/link/:key), scriptable per test
//     through /api/control/:key and recording every request it gets;
//   - a portal page on ANOTHER origin (http://127.0.0.1:<port>/magicLink/:id) that posts Scalekit's documented
//     payloads to its parent, by itself on load and when the test asks it to (postMessage {cmd: 'post'}).
// A second copy of the portal server on another port is a third origin, used to spoof messages.
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Per-test scenarios, keyed by a random key the test puts in the endpoint URL. */
const scenarios = new Map();
const servers = { portal: null, spoof: null };
const originOf = (server) => `http://127.0.0.1:${server.address().port}`;
const portalOrigin = () => originOf(servers.portal);
const spoofOrigin = () => originOf(servers.spoof);

function scenarioFor(key) {
  if (!scenarios.has(key)) scenarios.set(key, { responses: [], requests: [], loads: {}, portal: {}, linkTtlMs: 60_000, seq: 0 });
  return scenarios.get(key);
}

async function readBody(ctx) {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return text;
}

function mintLink(key, scenario, expiresInMs) {
  scenario.seq += 1;
  const id = `lnk_${key}_${scenario.seq}`;
  const query = new URLSearchParams({ key, ...scenario.portal });
  return {
    id,
    location: `${portalOrigin()}/magicLink/${id}?${query}`,
    expiresAt: new Date(Date.now() + (expiresInMs ?? scenario.linkTtlMs)).toISOString(),
  };
}

/** Koa middleware for the test page's origin. */
export async function portalMiddleware(ctx, next) {
  const path = ctx.path;
  if (path === '/api/portal-origins') {
    ctx.body = { portalOrigin: portalOrigin(), spoofOrigin: spoofOrigin() };
    return;
  }
  const control = path.match(/^\/api\/control\/([\w-]+)$/);
  if (control) {
    const scenario = scenarioFor(control[1]);
    if (ctx.method === 'POST') {
      const config = JSON.parse((await readBody(ctx)) || '{}');
      Object.assign(scenario, { responses: [], portal: {}, linkTtlMs: 60_000 }, config, { requests: [], loads: {} });
      ctx.body = { ok: true };
    } else {
      ctx.body = { requests: scenario.requests, loads: scenario.loads };
    }
    return;
  }
  const link = path === '/api/scalekit/portal-link' ? ['', 'default'] : path.match(/^\/api\/link\/([\w-]+)$/);
  if (!link) return next();

  const scenario = scenarioFor(link[1]);
  const record = {
    method: ctx.method,
    contentType: ctx.get('content-type'),
    accept: ctx.get('accept'),
    body: await readBody(ctx),
    at: Date.now(),
    aborted: false,
  };
  scenario.requests.push(record);
  const planned = scenario.responses.shift() ?? {};
  if (planned.hang) {
    // Never answer: the test checks that the element aborts the request when it is disconnected.
    await new Promise((resolve) => ctx.req.socket.once('close', resolve));
    record.aborted = true;
    ctx.respond = false;
    return;
  }
  ctx.set('cache-control', 'no-store');
  if (planned.retryAfter !== undefined) ctx.set('retry-after', String(planned.retryAfter));
  ctx.status = planned.status ?? 200;
  if (planned.rawBody !== undefined) {
    ctx.type = 'application/json';
    ctx.body = planned.rawBody;
  } else if (planned.body !== undefined) {
    ctx.body = planned.body;
  } else if (ctx.status === 200) {
    ctx.body = mintLink(link[1], scenario, planned.expiresInMs);
  } else {
    ctx.body = { error: { code: 'test_failure', message: `status ${ctx.status}` } };
  }
}

const portalPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test portal</title>
<style>body{font:16px system-ui;margin:0;padding:24px;color:#1b2230;background:#fff}h1{font-size:20px;margin:0 0 12px}
.card{border:1px solid #dde2ea;border-radius:8px;padding:16px;margin:12px 0}</style></head>
<body><h1>Single Sign-On</h1><div class="card">Identity provider: Okta (SAML)</div>
<h1>Directory sync</h1><div class="card">SCIM endpoint and bearer token</div>
<script>
  const query = new URLSearchParams(location.search);
  // Like the real portal: post only to the framing origin, never to '*'.
  const parentOrigin = location.ancestorOrigins[0];
  const send = (payload) => parent.postMessage(payload, parentOrigin);
  const expiry = new Date(Date.now() + Number(query.get('session') || 3600) * 1000).toISOString();
  addEventListener('message', (event) => {
    if (event.source !== parent || !event.data) return;
    if (event.data.cmd === 'post') {
      for (const payload of event.data.payloads) send(payload);
      send({ ack: event.data.ack });
    } else if (event.data.cmd === 'navigate') {
      location.href = event.data.url;
    }
  });
  if (query.get('spoof')) {
    // Served from the wrong origin on purpose: every documented payload, then an acknowledgement.
    for (const event_type of ['PORTAL_LOAD_SUCCESS', 'PORTAL_SESSION_WARNING', 'PORTAL_SESSION_EXPIRY', 'ORGANIZATION_SSO_ENABLED', 'CUSTOM'])
      send({ event_type, object: 'session', organization_id: 'org_spoof', data: { expiry } });
    send({ ack: query.get('spoof') });
  } else if (query.get('auto') === 'expired') {
    // What the portal does for a link that was already used or is past its TTL.
    send({ event_type: 'PORTAL_LOAD_FAILURE', object: 'session', message: 'The session has expired', data: { error_code: 'SESSION_EXPIRED' } });
  } else if (query.get('auto') !== 'none') {
    send({ event_type: 'PORTAL_LOAD_SUCCESS', object: 'session', organization_id: query.get('org') || 'org_test',
      message: 'The admin portal session has started', data: { expiry } });
  }
</script></body></html>`;

function startPortalServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const match = url.pathname.match(/^\/magicLink\/([\w-]+)$/);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const key = url.searchParams.get('key');
    if (key) {
      const loads = scenarioFor(key).loads;
      loads[match[1]] = (loads[match[1]] ?? 0) + 1;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(portalPage);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts/stops the portal server with the test runner; `screenshot` command for looking at each state. */
export function portalPlugin() {
  return {
    name: 'scalekit-test-portal',
    async serverStart() {
      servers.portal = await startPortalServer();
      servers.spoof = await startPortalServer();
    },
    async serverStop() {
      for (const server of Object.values(servers)) {
        server?.closeAllConnections();
        await new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
      }
    },
    async executeCommand({ command, payload, session }) {
      if (command !== 'screenshot') return undefined;
      // Only when asked (SCREENSHOT_DIR set): normal test runs write nothing.
      const dir = process.env.SCREENSHOT_DIR;
      if (!dir) return true;
      mkdirSync(dir, { recursive: true });
      const page = session.browser.getPage(session.id);
      await page.screenshot({ path: join(dir, `${payload.name}.png`), clip: payload.clip });
      return true;
    },
  };
}
