/**
 * Standard Webhooks signing, exactly as Scalekit (and `scalekit.verifyWebhookPayload` in SDK 2.11) expects:
 * headers `webhook-id`, `webhook-timestamp` (unix seconds), `webhook-signature` = `v1,<base64 HMAC-SHA256>`
 * over `${id}.${timestamp}.${rawBody}`, keyed with the base64-decoded part of `whsec_<base64>`.
 */
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** The SDK splits the id/timestamp/body on '.', so an id must not be able to smuggle one in. */
const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  [name: string]: string;
}

/** A fresh `whsec_…` secret with a 32-byte key, in the format the Scalekit dashboard hands out. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** Whether `secret` is a usable `whsec_<base64>` secret. Never echoes the secret anywhere. */
export function isWebhookSecret(secret: unknown): secret is string {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX) || secret.length > 1024) return false;
  const key = secret.slice(SECRET_PREFIX.length);
  return BASE64.test(key) && Buffer.from(key, 'base64').length >= 16;
}

/** Returns the `webhook-signature` value (`v1,<base64>`) for one delivery attempt. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  if (!isWebhookSecret(secret)) throw new TypeError('webhook secret must look like whsec_<base64 key of at least 16 bytes>');
  if (typeof id !== 'string' || !WEBHOOK_ID.test(id)) throw new TypeError('webhook id must be 1-128 characters of [A-Za-z0-9_-]');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError('webhook timestamp must be whole unix seconds');
  if (typeof body !== 'string') throw new TypeError('webhook body must be the raw string that is sent');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** All three headers for a delivery attempt signed now (or at `timestamp`). */
export function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}
