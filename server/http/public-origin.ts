// `publicOrigin`: the origin browsers use to reach the host. It serves two needs. Behind Next.js, a reverse proxy
// or a load balancer the request URL is often `http://localhost:3000/…` while the page is
// `https://app.example.com`; a request without `Sec-Fetch-Site` (Safari before 16.4, older browsers) then looks
// cross-site by its `Origin` alone. And without it "own origin" can only come from the `Host` header, which a DNS
// rebinding page controls: once it is set, `Host` is never trusted (see isSameSiteRequest()).

import { asOrigin } from './guards.js';

/**
 * The host's `publicOrigin` option, normalised (`https://App.example.com:443` → `https://app.example.com`), or
 * null when it is not set. Throws a `TypeError` naming the option when it is not an http(s) origin.
 */
export function readPublicOrigin(publicOrigin: string | undefined, owner: string): string | null {
  if (publicOrigin === undefined) return null;
  const origin = typeof publicOrigin === 'string' ? asOrigin(publicOrigin) : null;
  if (origin === null) {
    throw new TypeError(`${owner}: \`publicOrigin\` must be an origin such as https://app.example.com, got ${String(publicOrigin).slice(0, 100)}`);
  }
  return origin;
}
