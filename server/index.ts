// `scalekit-admin-portal/server`: what a host's backend imports.

export { scalekitPortal, MAX_BODY_BYTES } from './portal-link.js';
export type {
  ScalekitPortalOptions,
  PortalPrincipal,
  PortalLinkIssuedEvent,
  PortalLinkResponse,
  PortalFeature,
} from './portal-link.js';
export { PortalLinkError, UPSTREAM_RETRY_AFTER_SECONDS } from './errors.js';
export type { PortalLinkErrorCode, PortalLinkErrorBody } from './errors.js';
export { ScalekitSdkShapeError, MalformedOrganizationError } from './sdk-client.js';
export { ensureOrganization, ORGANIZATION_LIMITS } from './organizations.js';
export type { EnsureOrganizationInput, EnsuredOrganization } from './organizations.js';
export { scalekitSetupLinks, SetupLinkError, SETUP_LINK_TTL, MAX_NOTE_LENGTH } from './setup-links.js';
export type {
  ScalekitSetupLinksOptions,
  SetupLinkPortalLinkIssuedEvent,
  SetupLinkSummary,
  CreatedSetupLink,
  SetupLinkErrorCode,
} from './setup-links.js';
export { MemorySetupLinkStore } from './setup-link-store.js';
export type { SetupLinkStore, SetupLinkRecord, MintedPortalLink } from './setup-link-store.js';
export { sqlSetupLinkStore } from './sql-setup-link-store.js';
export type { SqlQueryable, SqlSetupLinkStoreOptions } from './sql-setup-link-store.js';
export { MemoryRateLimitStore } from './rate-limit.js';
export { MemoryIdempotencyStore } from './idempotency.js';
export type { IdempotencyStore, IdempotencyState } from './idempotency.js';
export { redisRateLimitStore, redisIdempotencyStore, RedisStoreUnavailableError } from './redis-stores.js';
export type { RedisEvalClient, RedisStoreOptions } from './redis-stores.js';
export type { RateLimitOptions, RateLimitStore, RateLimitHit } from './rate-limit.js';
export * from './webhooks.js'; // scalekitWebhooks(), its options and the typed webhook events
export { webhookVerifier, webhookSecretKey, WEBHOOK_TOLERANCE_SECONDS } from './webhook-signature.js';
export type {
  WebhookVerifier,
  WebhookVerifierOptions,
  WebhookVerification,
  WebhookSignatureFailure,
  WebhookHeaderSource,
} from './webhook-signature.js';
export { scalekitRest, ScalekitRestError, type ScalekitRestOptions, type ScalekitRestClient } from './scalekit-rest.js';
