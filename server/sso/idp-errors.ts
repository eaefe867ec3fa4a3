// An identity provider's OAuth `error` code as a sentence a person can act on. The
// message is chosen from this table by the code; the IdP's own `error_description` is added only when it is
// plain prose (letters, digits, spaces, simple punctuation, no address or link), so the callback cannot be
// made to show someone else's words, markup or a link.

const BY_CODE: Record<string, string> = {
  access_denied: 'Your identity provider did not let you sign in. If you should have access, ask your IT administrator.',
  login_required: 'Sign in to your identity provider first, then start signing in again.',
  interaction_required: 'Your identity provider needs you to sign in again. Start signing in again.',
  consent_required: 'Your identity provider needs your consent. Start signing in again.',
  account_selection_required: 'Choose an account at your identity provider. Start signing in again.',
  temporarily_unavailable: 'Your identity provider is unavailable right now. Try again in a few minutes.',
  server_error: 'Your identity provider ran into a problem. Try again in a few minutes.',
};

const MISCONFIGURED = 'Single sign-on is not set up correctly for this app. Ask the app’s administrator.';
const FALLBACK = 'Signing in with your identity provider did not succeed. Start signing in again, or ask your IT administrator.';
for (const code of ['invalid_request', 'unauthorized_client', 'unsupported_response_type', 'invalid_scope', 'invalid_request_uri']) {
  BY_CODE[code] = MISCONFIGURED;
}

const PLAIN_PROSE = /^[\p{L}\p{N} .,'’()!?-]{1,200}$/u;

export function idpErrorMessage(error: string, description: string | undefined): string {
  const message = Object.hasOwn(BY_CODE, error) ? BY_CODE[error]! : FALLBACK;
  const said = description?.trim();
  if (!said || !PLAIN_PROSE.test(said)) return message;
  return `${message} (Your identity provider said: ${said.replace(/[.!?]+$/, '')}.)`;
}

/** The `error` code itself, for the log: only if it is an OAuth error code's shape. */
export function loggableErrorCode(error: string): string {
  return /^[a-z_]{1,50}$/.test(error) ? error : '(unrecognised)';
}
