// Log lines about failures: one redacted line each, never an error object (an SDK error may hold request echoes).

// Whatever an error message might carry that must never reach a log: bearer tokens, portal links, secrets
// that found their way into a query string or a form body.
const REDACTIONS: Array<[RegExp, string]> = [
  [/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/https?:\/\/[^\s"']*\/magicLink\/[^\s"']*/gi, '[portal link redacted]'],
  [/(client_secret|access_token|token|secret|password)(["']?\s*[=:]\s*["']?)[^\s"'&,}]+/gi, '$1$2[redacted]'],
];

/** Redact anything secret-shaped from a string meant for a log line. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * One log-safe line about an error: its class, code/status and redacted message, plus its cause's.
 * Never the object itself: an SDK error may hold request echoes.
 */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return redact(String(error)).slice(0, 300);
  const e = error as ErrorShape;
  const facts: string[] = [];
  if (typeof e.grpcStatus === 'number') facts.push(`grpc=${e.grpcStatus}`);
  if (typeof e.response?.status === 'number') facts.push(`http=${e.response.status}`);
  if (typeof e.code === 'string' || typeof e.code === 'number') facts.push(`code=${String(e.code)}`);
  let line = `${error.name}${facts.length ? ` (${facts.join(' ')})` : ''}: ${redact(error.message).slice(0, 300)}`;
  if (error.cause !== undefined && depth < 2) line += ` <- ${describeError(error.cause, depth + 1)}`;
  return line;
}

interface ErrorShape {
  code?: unknown;
  grpcStatus?: unknown;
  response?: { status?: unknown };
}
