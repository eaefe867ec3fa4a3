// Origin patterns for `allowedOrigins`: what may frame the portal and receive its events.
// A pattern is `scheme://host[:port]` where port may be `*` and host may start with `*.`.
// Patterns go verbatim into a CSP header, so anything outside this grammar is refused up front.

const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?$/i;

export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

interface OriginPattern {
  scheme: string;
  wildcardSubdomain: boolean;
  host: string;
  port: string | null; // null = the scheme's default port, '*' = any
}

/** Throws a TypeError naming the entry when a pattern is not an origin this module understands. */
export function parseOriginPattern(pattern: unknown): OriginPattern {
  if (typeof pattern !== 'string' || pattern.length > 253) {
    throw new TypeError('allowedOrigins entries must be origin strings such as "http://localhost:*"');
  }
  const match = PATTERN.exec(pattern);
  if (!match) throw new TypeError(`allowedOrigins entry is not an origin: ${JSON.stringify(pattern.slice(0, 80))}`);
  const port = match[4] ?? null;
  if (port !== null && port !== '*' && Number(port) > 65535) {
    throw new TypeError(`allowedOrigins entry has an invalid port: ${JSON.stringify(pattern)}`);
  }
  return { scheme: match[1]!.toLowerCase(), wildcardSubdomain: Boolean(match[2]), host: match[3]!.toLowerCase(), port };
}

function defaultPort(scheme: string): string {
  return scheme === 'https' ? '443' : '80';
}

/** Builds a matcher for concrete origins (`http://localhost:5173`) against the given patterns. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const parsed = patterns.map(parseOriginPattern);
  return (origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin !== origin) return false; // a path, credentials or "null" is not an origin
    const scheme = url.protocol.slice(0, -1);
    const host = url.hostname.toLowerCase();
    const port = url.port || defaultPort(scheme);
    return parsed.some((p) => {
      if (p.scheme !== scheme) return false;
      if (p.port !== '*' && (p.port ?? defaultPort(p.scheme)) !== port) return false;
      return p.wildcardSubdomain ? host.endsWith(`.${p.host}`) : host === p.host;
    });
  };
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The same rule as originMatcher, as a regular-expression source for the portal page's script. */
export function originPatternRegex(pattern: string): string {
  const p = parseOriginPattern(pattern);
  const host = p.wildcardSubdomain ? `[a-z0-9.-]+\\.${escapeRegex(p.host)}` : escapeRegex(p.host);
  // A browser drops the default port from an origin, so "http://x:80" and "http://x" are the same origin.
  const port = p.port === '*' ? '(?::\\d{1,5})?' : p.port === null || p.port === defaultPort(p.scheme) ? '' : `:${p.port}`;
  return `^${p.scheme}://${host}${port}$`;
}
