// Setup-link secrets, with WebCrypto only (so the same code runs on Node, Workers, Deno and Bun): 256 random
// bits, a recognisable prefix, and a SHA-256 hash, the only form ever stored.

/** Every setup-link token starts with this, so secret scanners and people can tell what leaked. */
export const SETUP_TOKEN_PREFIX = 'sksl_';

const TOKEN_BYTES = 32; // 256 bits; base64url → 43 characters
const TOKEN_SHAPE = /^sksl_[A-Za-z0-9_-]{43}$/;
const ID_SHAPE = /^sl_[A-Za-z0-9_-]{22}$/;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** A fresh setup-link token (the secret in the URL fragment). */
export function newSetupToken(): string {
  return SETUP_TOKEN_PREFIX + base64url(randomBytes(TOKEN_BYTES));
}

/** A fresh setup-link id (`sl_…`): public, shown in listings, never enough to open anything. */
export function newSetupLinkId(): string {
  return `sl_${base64url(randomBytes(16))}`;
}

/** Whether `value` has the exact shape of a token this module issues (checked before any lookup). */
export function isSetupToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_SHAPE.test(value);
}

export function isSetupLinkId(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

/** base64url(SHA-256(token)): what a store keeps and looks tokens up by. */
export async function hashSetupToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url(new Uint8Array(digest));
}

/** Compares two strings in time that depends only on their lengths (hashes are always the same length). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
