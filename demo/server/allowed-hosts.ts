// DEMO ONLY. The Host names the demo answers to, like Vite's `server.allowedHosts`: a page on another name that
// resolves to this machine (DNS rebinding) is same-origin with itself, so Origin and Sec-Fetch-Site checks pass;
// only the Host header tells it apart.
import type { MiddlewareHandler } from 'hono';

/** Always served: the names a browser on this machine uses. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of `host` (a Host header or a `NORTHWIND_ALLOWED_HOSTS` entry), lower case, without a port. */
function hostnameOf(host: string): string | null {
  try {
    return new URL(`http://${host.trim()}`).hostname || null;
  } catch {
    return null;
  }
}

/**
 * The names to serve: the loopback ones, the host of each origin given (the server's own URL, `PUBLIC_URL`) and
 * each entry of `NORTHWIND_ALLOWED_HOSTS` (comma-separated names; a port written there is ignored).
 */
export function allowedHostsFromEnv(env: Record<string, string | undefined>, origins: readonly string[]): string[] {
  const names = new Set(LOOPBACK_NAMES);
  for (const origin of origins) {
    const name = URL.canParse(origin) ? new URL(origin).hostname : null;
    if (name) names.add(name);
  }
  for (const entry of (env['NORTHWIND_ALLOWED_HOSTS'] ?? '').split(',')) {
    const name = entry.trim() ? hostnameOf(entry) : null;
    if (name) names.add(name);
  }
  return [...names];
}

/**
 * 403 for a request whose Host is not one of `names`. Names are compared without the port: a rebinding page
 * differs by name, while the port legitimately differs behind a container's port mapping.
 */
export function allowedHosts(names: readonly string[] = LOOPBACK_NAMES): MiddlewareHandler {
  const allowed = new Set(names);
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const name = hostnameOf(host);
    if (name !== null && allowed.has(name)) return next();
    c.header('Cache-Control', 'no-store');
    return c.text(
      `This demo does not serve the host name "${(name ?? host).slice(0, 253)}". To serve it, add it to ` +
        'NORTHWIND_ALLOWED_HOSTS (comma-separated host names) and restart the demo.\n',
      403,
    );
  };
}
