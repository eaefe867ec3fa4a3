// Standard Webhooks signature verification (what Scalekit signs with) on WebCrypto alone, so the same code runs
// on Node, workerd, Deno and Bun: no `node:` import, no SDK.
//
// A delivery carries `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature` (space-separated
// `v1,<base64>` entries); each entry is base64(HMAC-SHA256(key, `${id}.${timestamp}.` + raw body bytes)).

/** Seconds a delivery's timestamp may differ from now, either way (the spec's and the SDKs' value). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const OTHER_PREFIX = /^([A-Za-z0-9]+)_/;
// Whole seconds, no sign, no leading zero: the digits signed are the digits sent.
const TIMESTAMP = /^(?:0|[1-9][0-9]{0,14})$/;
// Longer ids are not Scalekit's; refusing them keeps idempotency keys small.
const MAX_ID_LENGTH = 256;
// A header with more entries than this is not a key rotation; checking them all would only cost time.
const MAX_SIGNATURES = 64;

/** Why a delivery was refused; safe to log (it never holds a header value). */
export type WebhookSignatureFailure =
  | 'missing_headers'
  | 'invalid_id'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature';

export type WebhookVerification = { ok: true; id: string; timestamp: number } | { ok: false; reason: WebhookSignatureFailure };

/** The three Standard Webhooks headers; a `Headers` object or a plain record (lowercase keys) both do. */
export type WebhookHeaderSource = Headers | Record<string, string | undefined>;

export interface WebhookVerifierOptions {
  /** Seconds of allowed clock difference. Default {@link WEBHOOK_TOLERANCE_SECONDS}. */
  toleranceSeconds?: number;
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
}

export interface WebhookVerifier {
  /** Checks one delivery against the exact bytes received. Never throws for hostile input: it answers `ok: false`. */
  verify(headers: WebhookHeaderSource, body: ArrayBuffer | Uint8Array | string): Promise<WebhookVerification>;
}

/**
 * The HMAC key of a Standard Webhooks secret: `whsec_<base64>` or bare base64. Any other `xxx_` prefix (such as
 * the asymmetric `whpk_`/`whsk_` keys) is not an HMAC secret and throws a `TypeError` that never quotes the secret.
 */
export function webhookSecretKey(secret: string): Uint8Array {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('webhook secret must be a string: "whsec_" followed by base64');
  }
  let encoded = secret;
  if (secret.startsWith(SECRET_PREFIX)) {
    encoded = secret.slice(SECRET_PREFIX.length);
  } else {
    const prefix = OTHER_PREFIX.exec(secret)?.[1];
    if (prefix !== undefined) {
      throw new TypeError(
        `webhook secret has the prefix "${prefix.slice(0, 8)}_": only "whsec_" (HMAC-SHA256) secrets are supported`,
      );
    }
  }
  if (encoded.length === 0 || !STRICT_BASE64.test(encoded)) {
    throw new TypeError('webhook secret must be "whsec_" followed by base64');
  }
  const key = base64Decode(encoded);
  if (key.length === 0) throw new TypeError('webhook secret must not be empty');
  return key;
}

/**
 * A verifier bound to one secret (the key is imported once). The secret is checked here, so a wrong one fails at
 * start-up rather than on every delivery.
 *
 * @example
 * ```ts
 * const verifier = webhookVerifier(env.SCALEKIT_WEBHOOK_SECRET);
 * const raw = await request.arrayBuffer();
 * const result = await verifier.verify(request.headers, raw);
 * if (!result.ok) return new Response(null, { status: 401 });
 * ```
 */
export function webhookVerifier(secret: string, options: WebhookVerifierOptions = {}): WebhookVerifier {
  const keyBytes = webhookSecretKey(secret);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new TypeError('webhookVerifier(): `toleranceSeconds` must be a non-negative integer');
  }
  const now = options.now ?? Date.now;
  let key: Promise<CryptoKey> | undefined;
  const hmacKey = () =>
    (key ??= crypto.subtle.importKey('raw', keyBytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));

  return {
    async verify(headers, body) {
      const id = header(headers, 'webhook-id');
      const timestampText = header(headers, 'webhook-timestamp');
      const signatures = header(headers, 'webhook-signature');
      if (!id || !timestampText || !signatures) return { ok: false, reason: 'missing_headers' };
      if (id.length > MAX_ID_LENGTH) return { ok: false, reason: 'invalid_id' };
      if (!TIMESTAMP.test(timestampText)) return { ok: false, reason: 'invalid_timestamp' };
      const timestamp = Number(timestampText);
      const nowSeconds = Math.floor(now() / 1000);
      if (nowSeconds - timestamp > tolerance) return { ok: false, reason: 'timestamp_too_old' };
      if (timestamp - nowSeconds > tolerance) return { ok: false, reason: 'timestamp_too_new' };

      const encoder = new TextEncoder();
      const prefix = encoder.encode(`${id}.${timestampText}.`);
      const payload = typeof body === 'string' ? encoder.encode(body) : body instanceof Uint8Array ? body : new Uint8Array(body);
      const signed = new Uint8Array(prefix.length + payload.length);
      signed.set(prefix, 0);
      signed.set(payload, prefix.length);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(), signed));
      const expected = encoder.encode(base64Encode(mac));

      // Every entry is tried: a malformed or foreign one earlier in the list must not hide a valid later one.
      let matched = false;
      for (const entry of signatures.split(' ').slice(0, MAX_SIGNATURES)) {
        const comma = entry.indexOf(',');
        if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
        if (constantTimeEqual(encoder.encode(entry.slice(comma + 1)), expected)) matched = true;
      }
      return matched ? { ok: true, id, timestamp } : { ok: false, reason: 'no_matching_signature' };
    },
  };
}

function header(headers: WebhookHeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | undefined>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Time depends only on the lengths, which are public (a v1 signature is always 44 characters). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function base64Decode(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
