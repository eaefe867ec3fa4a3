// A host page outside `allowedOrigins` that frames the portal gets a blank iframe (CSP frame-ancestors) and no
// event, and its own page cannot see why. The browser tells the emulator who asked: an iframe load carries
// `Sec-Fetch-Dest: iframe` and, under the default referrer policy, the framing page's origin in `Referer`.
// So the emulator names that origin in its log, with the exact setting that would admit it. A host that
// sends no Referer (`Referrer-Policy: no-referrer`) is refused without a line: its origin is unknown.
import { originMatcher, parseOriginPattern } from '../origins.js';
import type { EmulatorLog } from '../log.js';

const FRAME_DESTINATIONS = new Set(['iframe', 'frame', 'embed', 'object', 'fencedframe']);
const MAX_REMEMBERED = 100; // each refused origin is logged once; a page reloading in a loop adds no lines

/** `*` would be expanded by zsh, so values holding one are quoted for the shell. */
const shell = (value: string) => (/[*\s]/.test(value) ? `'${value}'` : value);

/** The log line for a refused origin: the flag, the environment variable and the option that would allow it. */
export function refusedFramingMessage(origin: string, allowedOrigins: readonly string[]): string {
  const list = [...allowedOrigins, origin];
  return (
    `[emulator] ${origin} tried to frame the portal and was refused: not in the allowed origins (${allowedOrigins.join(', ')}). ` +
    `Allow it with --allowed-origin ${origin} (repeated for every origin that may frame it) ` +
    `or EMULATOR_ALLOWED_ORIGINS=${shell(list.join(','))}; in code, allowedOrigins: ${JSON.stringify(list)}`
  );
}

/** Returns a check for portal page requests that logs, once per origin, a frame load from a refused origin. */
export function framingWatch(allowedOrigins: readonly string[], log: EmulatorLog): (headers: Headers) => void {
  const allowed = originMatcher(allowedOrigins);
  const logged = new Set<string>();
  return (headers) => {
    if (!FRAME_DESTINATIONS.has(headers.get('sec-fetch-dest') ?? '')) return;
    const referer = headers.get('referer');
    if (!referer || referer.length > 4096) return;
    let origin: string;
    try {
      origin = new URL(referer).origin;
    } catch {
      return;
    }
    if (origin === 'null' || allowed(origin) || logged.has(origin) || logged.size >= MAX_REMEMBERED) return;
    try {
      parseOriginPattern(origin); // only an origin the flag would accept is worth suggesting
    } catch {
      return;
    }
    logged.add(origin);
    log(refusedFramingMessage(origin, allowedOrigins));
  };
}
