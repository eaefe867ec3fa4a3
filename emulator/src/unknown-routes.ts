// Requests for routes the emulator does not serve: an SDK call or REST path it does not emulate shows up as a
// log line and in stats() instead of only as a 404 the app may swallow. What is kept and logged is shaped so
// that no secret reaches a log: no query string, link ids (UUIDs) masked, the path truncated.
import type { EmulatorLog } from './log.js';

export interface UnknownRoute {
  method: string;
  path: string;
}

export interface UnknownRoutesSnapshot {
  /** Every such request since start (or the last reset). */
  count: number;
  /** The most recent ones, newest last, at most {@link RECENT_LIMIT}. */
  recent: UnknownRoute[];
}

export const RECENT_LIMIT = 20;
const MAX_PATH = 100;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The method and path as they may be shown: `?…` in place of a query, UUIDs as `{id}`, at most 100 characters. */
export function describeRoute(method: string, url: string): UnknownRoute {
  const cut = url.search(/[?#]/);
  const rawPath = cut === -1 ? url : url.slice(0, cut);
  let path = rawPath.replace(UUID, '{id}').replace(/[^\x21-\x7e]/g, '?');
  if (path.length > MAX_PATH) path = `${path.slice(0, MAX_PATH)}…`;
  if (cut !== -1 && url[cut] === '?') path += '?…';
  return { method: method.replace(/[^A-Z0-9_-]/gi, '?').slice(0, 16) || '?', path: path || '/' };
}

/** The message a 404 body, a gRPC UNIMPLEMENTED and the log line share. */
export function notServedMessage(route: UnknownRoute): string {
  return `the emulator does not serve ${route.method} ${route.path}`;
}

export class UnknownRoutes {
  #count = 0;
  #recent: UnknownRoute[] = [];

  constructor(private readonly log: EmulatorLog) {}

  /**
   * Counts and logs one request; `path` is the request's path (a query is dropped), `answer` what it got
   * (`404`, `UNIMPLEMENTED`). Returns what was kept.
   */
  record(method: string, path: string, answer: string): UnknownRoute {
    const route = describeRoute(method, path);
    this.#count++;
    this.#recent.push(route);
    if (this.#recent.length > RECENT_LIMIT) this.#recent.shift();
    this.log(`[emulator] ${route.method} ${route.path}: not served by the emulator (answered ${answer})`);
    return route;
  }

  snapshot(): UnknownRoutesSnapshot {
    return { count: this.#count, recent: this.#recent.map((r) => ({ ...r })) };
  }

  reset(): void {
    this.#count = 0;
    this.#recent = [];
  }
}
