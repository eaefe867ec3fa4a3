// DEMO ONLY. Northwind's sessions for its customers' employees, signed in with SSO: server-side records named by
// a random id in an HttpOnly cookie. Each record keeps the member (directory user id) and the organization; the
// member store is watched, so a member the directory deactivates or removes loses every session at once, and
// whoever follows a session (the workspace page's stream) hears of it.

import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { DemoMemberStore, Member } from './members.js';

export const EMPLOYEE_SESSION_COOKIE = 'northwind_employee';

/** Why a session is over: the person signed out, or their organization's directory took their access away. */
export type SessionEnd = 'signed_out' | 'directory';

export interface EmployeeSession {
  memberId: string;
  organizationId: string;
  /** The verified ID token, kept server-side only for the identity provider's logout (`id_token_hint`). */
  idToken: string;
  expiresAt: number;
}

export type SessionLookup = { state: 'active'; session: EmployeeSession } | { state: 'ended'; reason: SessionEnd } | { state: 'none' };

export interface EmployeeSessionsOptions {
  members: DemoMemberStore;
  /** Told (once per change) that the directory signed out `count` sessions in the organization. */
  onDirectorySignOut?: (organizationId: string, count: number) => void | Promise<void>;
  /** Default 8 hours. */
  lifetimeMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

// Bounds that keep a flood of sign-ins from exhausting memory; the oldest go first.
const MAX_SESSIONS = 10_000;
const MAX_REMEMBERED_ENDS = 10_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Sessions are keyed on a hash of their id: a lookup's timing says nothing about the ids that exist. */
function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export class EmployeeSessions {
  readonly #members: DemoMemberStore;
  readonly #options: EmployeeSessionsOptions;
  readonly #lifetimeMs: number;
  readonly #now: () => number;
  readonly #sessions = new Map<string, EmployeeSession>();
  readonly #ended = new Map<string, SessionEnd>();
  readonly #followers = new Map<string, Set<(reason: SessionEnd) => void>>();
  /** One member-store subscription per organization that has sessions. */
  readonly #watching = new Map<string, () => void>();
  #pending: Promise<void> = Promise.resolve();

  constructor(options: EmployeeSessionsOptions) {
    this.#members = options.members;
    this.#options = options;
    this.#lifetimeMs = options.lifetimeMs ?? 8 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** A new session for an active member; returns its id (for the cookie, never for a log). */
  start(member: Member, organizationId: string, idToken: string): string {
    const id = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= MAX_SESSIONS) this.#end(this.#sessions.keys().next().value as string, 'signed_out');
    this.#sessions.set(keyOf(id), { memberId: member.id, organizationId, idToken, expiresAt: this.#now() + this.#lifetimeMs });
    this.#watch(organizationId);
    return id;
  }

  lookup(id: string | undefined): SessionLookup {
    if (id === undefined || !SESSION_ID.test(id)) return { state: 'none' };
    const key = keyOf(id);
    const session = this.#sessions.get(key);
    if (session && session.expiresAt > this.#now()) return { state: 'active', session };
    if (session) this.#end(key, 'signed_out');
    const reason = this.#ended.get(key);
    return reason ? { state: 'ended', reason } : { state: 'none' };
  }

  /** Ends a session; returns it (for the logout URL) or null when it was not active. */
  signOut(id: string | undefined): EmployeeSession | null {
    const lookup = this.lookup(id);
    if (lookup.state !== 'active') return null;
    this.#end(keyOf(id!), 'signed_out');
    return lookup.session;
  }

  /** Calls `listener` once when the session ends; returns the unsubscribe function. */
  follow(id: string, listener: (reason: SessionEnd) => void): () => void {
    const key = keyOf(id);
    let set = this.#followers.get(key);
    if (!set) this.#followers.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#followers.get(key) === set) this.#followers.delete(key);
    };
  }

  /** How many sessions are active (for tests and the log). */
  count(organizationId?: string): number {
    let count = 0;
    for (const session of this.#sessions.values()) if (organizationId === undefined || session.organizationId === organizationId) count += 1;
    return count;
  }

  /** Resolves once what the directory's sign-outs set off (the checklist) is done; never rejects. */
  settled(): Promise<void> {
    return this.#pending;
  }

  /** Stops watching the member store. */
  close(): void {
    for (const unsubscribe of this.#watching.values()) unsubscribe();
    this.#watching.clear();
  }

  #watch(organizationId: string): void {
    if (this.#watching.has(organizationId)) return;
    this.#watching.set(organizationId, this.#members.subscribe(organizationId, (members) => this.#applyDirectory(organizationId, members)));
  }

  /** The organization's members changed: whoever is no longer an active member is signed out now. */
  #applyDirectory(organizationId: string, members: Member[]): void {
    const active = new Set(members.filter((member) => member.active).map((member) => member.id));
    let signedOut = 0;
    let remaining = 0;
    for (const [key, session] of [...this.#sessions]) {
      if (session.organizationId !== organizationId) continue;
      if (active.has(session.memberId)) remaining += 1;
      else {
        this.#end(key, 'directory');
        signedOut += 1;
      }
    }
    if (remaining === 0) {
      this.#watching.get(organizationId)?.();
      this.#watching.delete(organizationId);
    }
    const notify = this.#options.onDirectorySignOut;
    if (signedOut > 0 && notify) {
      this.#pending = this.#pending
        .then(() => notify(organizationId, signedOut))
        .catch((error: unknown) => this.#options.log?.(`northwind: recording a directory sign-out failed (${error instanceof Error ? error.name : 'error'})`));
    }
  }

  #end(key: string, reason: SessionEnd): void {
    if (!this.#sessions.delete(key)) return;
    this.#ended.set(key, reason);
    if (this.#ended.size > MAX_REMEMBERED_ENDS) this.#ended.delete(this.#ended.keys().next().value as string);
    const followers = this.#followers.get(key);
    this.#followers.delete(key);
    for (const listener of followers ?? []) listener(reason);
  }
}

/** The session id from the request's cookie (undefined when absent). */
export function sessionIdOf(c: Context): string | undefined {
  return getCookie(c, EMPLOYEE_SESSION_COOKIE);
}

export function setSessionCookie(c: Context, id: string, lifetimeSeconds = 8 * 60 * 60): void {
  setCookie(c, EMPLOYEE_SESSION_COOKIE, id, {
    httpOnly: true,
    // Lax: the session cookie must come with the top-level navigation back from the identity provider.
    sameSite: 'Lax',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: lifetimeSeconds,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, EMPLOYEE_SESSION_COOKIE, { path: '/' });
}
