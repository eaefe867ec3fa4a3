// The routes' query strings, checked before anything is done with them: each parameter at most once, within
// its length, of its shape. A failure is 400 `invalid_request` naming the parameter, never quoting its value.

import { ScalekitRouteError } from '../http/route-error.js';

export const LIMITS = {
  email: 254, // the longest address mail servers accept
  id: 128,
  code: 2048,
  state: 128,
  idpToken: 16 * 1024,
  error: 100,
  errorDescription: 500,
} as const;

/** The one value of `name`, or undefined when absent; two or more values are refused. */
export function single(query: URLSearchParams, name: string, maxLength: number): string | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalid(`\`${name}\` must be given once.`);
  const value = values[0]!;
  if (value.length === 0) throw invalid(`\`${name}\` must not be empty.`);
  if (value.length > maxLength) throw invalid(`\`${name}\` is longer than ${maxLength} characters.`);
  // Control characters, and the replacement character URLSearchParams leaves for bytes that are not UTF-8,
  // have no place in any of these.
  if (/[\u0000-\u001f\u007f\ufffd]/.test(value)) throw invalid(`\`${name}\` contains characters it cannot hold.`);
  return value;
}

// A mailbox as people type one: local@domain.tld, no spaces, no quotes, an ASCII or IDN domain of labels.
const EMAIL = /^[^\s@"<>()\[\]\\,;:]{1,64}@(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;
const SCALEKIT_ID = /^[A-Za-z0-9_-]+$/;

export function email(query: URLSearchParams): { email: string; domain: string } | undefined {
  const value = single(query, 'email', LIMITS.email);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!EMAIL.test(trimmed)) throw invalid('`email` is not an email address.');
  return { email: trimmed, domain: trimmed.slice(trimmed.lastIndexOf('@') + 1).toLowerCase() };
}

export function scalekitId(query: URLSearchParams, name: string): string | undefined {
  const value = single(query, name, LIMITS.id);
  if (value !== undefined && !SCALEKIT_ID.test(value)) throw invalid(`\`${name}\` is not a Scalekit id.`);
  return value;
}

/** OAuth values we issue or Scalekit issues: printable ASCII without spaces . */
export function oauthValue(query: URLSearchParams, name: string, maxLength: number): string | undefined {
  const value = single(query, name, maxLength);
  if (value !== undefined && !/^[\x21-\x7e]+$/.test(value)) throw invalid(`\`${name}\` contains characters it cannot hold.`);
  return value;
}

export function invalid(message: string): ScalekitRouteError {
  return new ScalekitRouteError('invalid_request', { message });
}
