// `GET /.well-known/openid-configuration`: where this environment's endpoints are, for clients that discover them.
// Only what the emulator serves is listed.
export function openidConfiguration(issuer: string) {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/keys`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
