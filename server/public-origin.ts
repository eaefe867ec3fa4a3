// `publicOrigin`: the origin browsers use to reach the host, for when the URL the server sees is another one.
// Behind Next.js, a reverse proxy or a load balancer the request URL is often `http://localhost:3000/…` while the
// page is `https://app.example.com`; a request without `Sec-Fetch-Site` (Safari before 16.4, older browsers)
// then looks cross-site by its `Origin` alone.

import { asOrigin } from './http-guards.js';

/**
 * The origins a same-site check accepts besides the request's own: `allowedOrigins`, plus `publicOrigin` when
 * set. Throws a `TypeError` naming the option when `publicOrigin` is not an http(s) origin.
 */
export function withPublicOrigin(allowed: ReadonlySet<string>, publicOrigin: string | undefined, owner: string): ReadonlySet<string> {
  if (publicOrigin === undefined) return allowed;
  const origin = typeof publicOrigin === 'string' ? asOrigin(publicOrigin) : null;
  if (origin === null) {
    throw new TypeError(`${owner}: \`publicOrigin\` must be an origin such as https://app.example.com, got ${String(publicOrigin).slice(0, 100)}`);
  }
  return new Set([...allowed, origin]);
}
