// The JSON error shape and body reader the emulator's own routes (controls, portal page API) share.
import type { Context } from 'hono';

export function controlError(c: Context, status: 400 | 403 | 404 | 413 | 415, message: string, code = 'invalid_request') {
  return c.json({ error: { code, message } }, status);
}

/** Reads a JSON object body or returns a ready 400/415 response. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown> | Response> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return controlError(c, 415, 'expected Content-Type: application/json', 'unsupported_media_type');
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return controlError(c, 400, 'body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return controlError(c, 400, 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
