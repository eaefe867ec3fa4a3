// `scalekit-admin-portal/server`: what a host's backend imports.

export { scalekitPortal, MAX_BODY_BYTES } from './portal/portal-link.js';
export type {
  ScalekitPortalOptions,
  PortalPrincipal,
  PortalLinkIssuedEvent,
  PortalLinkResponse,
  PortalFeature,
} from './portal/portal-link.js';
// One error class for every route; PortalLinkError and SetupLinkError are its former names.
export { ScalekitRouteError, PortalLinkError, SetupLinkError, UPSTREAM_RETRY_AFTER_SECONDS } from './http/route-error.js';
export type {
  RouteErrorCode,
  RouteErrorBody,
  PortalLinkErrorCode,
  PortalLinkErrorBody,
  SetupLinkErrorCode,
  WebhookErrorCode,
  SsoErrorCode,
} from './http/route-error.js';
export { ScalekitSdkShapeError, MalformedOrganizationError } from './scalekit/sdk-adapter.js';
export { ensureOrganization, ORGANIZATION_LIMITS } from './organizations/ensure-organization.js';
export type { EnsureOrganizationInput, EnsuredOrganization } from './organizations/ensure-organization.js';
export { scalekitSetupLinks, SETUP_LINK_TTL, MAX_NOTE_LENGTH } from './setup-links/routes.js';
export type {
  ScalekitSetupLinksOptions,
  SetupLinkPortalLinkIssuedEvent,
  SetupLinkSummary,
  CreatedSetupLink,
} from './setup-links/routes.js';
export { MemorySetupLinkStore } from './stores/setup-link-store.js';
export type { SetupLinkStore, SetupLinkRecord, MintedPortalLink } from './stores/setup-link-store.js';
export { sqlSetupLinkStore } from './stores/sql-setup-link-store.js';
export type { SqlQueryable, SqlSetupLinkStoreOptions } from './stores/sql-setup-link-store.js';
export { MemoryRateLimitStore } from './http/rate-limit.js';
export { MemoryIdempotencyStore } from './stores/idempotency.js';
export type { IdempotencyStore, IdempotencyState } from './stores/idempotency.js';
export { redisRateLimitStore, redisIdempotencyStore, RedisStoreUnavailableError } from './stores/redis-stores.js';
export type { RedisEvalClient, RedisStoreOptions } from './stores/redis-stores.js';
export type { RateLimitOptions, RateLimitStore, RateLimitHit } from './http/rate-limit.js';
export * from './webhooks/receiver.js'; // scalekitWebhooks(), its options and the typed webhook events
export { webhookVerifier, webhookSecretKey, WEBHOOK_TOLERANCE_SECONDS } from './webhooks/signature.js';
export type {
  WebhookVerifier,
  WebhookVerifierOptions,
  WebhookVerification,
  WebhookSignatureFailure,
  WebhookHeaderSource,
} from './webhooks/signature.js';
export { scalekitSso } from './sso/routes.js';
export type { ScalekitSsoOptions, SsoSignIn, SsoUser, SsoIdentity } from './sso/routes.js';
export { scalekitRest, ScalekitRestError, type ScalekitRestOptions, type ScalekitRestClient } from './scalekit/rest-client.js';
export type { ScalekitClientLike, ScalekitSdkClient, ScalekitApi, PortalFeature as ScalekitPortalFeature } from './scalekit/types.js';
