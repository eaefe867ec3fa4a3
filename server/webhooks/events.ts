/**
 * Typed Scalekit webhook events for directory sync, SSO connections and organization domains, in Scalekit's
 * documented envelope and shapes.
 *
 * Every delivery shares one envelope; `type` decides the shape of `data`, so a `switch (event.type)` narrows it.
 * Field names are Scalekit's wire names (snake_case), because hosts compare them with Scalekit's docs.
 *
 * Deprovisioning: Scalekit sends `organization.directory.user_deleted` both when a person is deleted in the
 * identity provider and when they are deactivated there. Treat it as "deactivate" (keep the record, refuse
 * sign-in); a later `user_created` or `user_updated` for the same `id` brings the person back.
 */

/** The envelope every Scalekit webhook delivery carries. */
export interface ScalekitEventEnvelope<Type extends string, ObjectName extends string, Data> {
  spec_version: string;
  /** `evt_…`; the same id arrives again on every retry of one event. */
  id: string;
  type: Type;
  /** ISO 8601. */
  occurred_at: string;
  environment_id: string;
  organization_id: string;
  object: ObjectName;
  data: Data;
  /** A human-readable name of the event type (`Organization Domain Created`), when Scalekit sends one. */
  display_name?: string;
}

export interface DirectoryGroupRef {
  id: string;
  name?: string;
}

/** `data` of `organization.directory.user_created` / `user_updated`. Only `id` and `organization_id` are guaranteed. */
export interface DirectoryUserData {
  /** `diruser_…`: the key to store users under (within `organization_id`), not the email. */
  id: string;
  organization_id: string;
  /** The identity provider's own id for the user. */
  dp_id?: string;
  active?: boolean;
  email?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  groups?: DirectoryGroupRef[];
  roles?: Array<{ role_name: string }>;
  /** The SCIM resource as the identity provider sent it. */
  raw_attributes?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * `data` of `organization.directory.user_deleted` (a person deleted or deactivated in the identity provider):
 * at least these fields; a deactivation carries the whole user, with `active: false`.
 */
export interface DeletedDirectoryUserData {
  id: string;
  organization_id: string;
  dp_id?: string;
  email?: string;
  active?: boolean;
  [key: string]: unknown;
}

export interface DirectoryGroupData {
  /** `dirgroup_…` */
  id: string;
  organization_id?: string;
  /** `dir_…`: the directory the group belongs to. */
  directory_id?: string;
  name?: string;
  display_name?: string;
  /** The identity provider's id for the group (SCIM `externalId`). */
  external_id?: string;
  dp_id?: string;
  [key: string]: unknown;
}

export interface DirectoryData {
  /** `dir_…` */
  id: string;
  organization_id?: string;
  directory_type?: string;
  provider?: string;
  enabled?: boolean;
  /** ISO 8601: when the directory last changed. */
  updated_at?: string;
  [key: string]: unknown;
}

export interface ConnectionData {
  /** `conn_…` */
  id: string;
  organization_id?: string;
  connection_type?: string;
  type?: string;
  provider?: string;
  enabled?: boolean;
  /** e.g. `COMPLETED`. */
  status?: string;
  [key: string]: unknown;
}

/** `data` of every `organization.domain_*` event. */
export interface DomainData {
  /** `dom_…` */
  id: string;
  domain?: string;
  /** `ORGANIZATION_DOMAIN` (SSO routing and SCIM) or `ALLOWED_EMAIL_DOMAIN`. */
  domain_type?: string;
  organization_id?: string;
  environment_id?: string;
  /** The TXT record Scalekit looks for. Sensitive: do not log it or show it outside the organization's admins. */
  txt_record_key?: string;
  txt_record_secret?: string;
  /** `PENDING`, `VERIFIED`, `FAILED` or `AUTO_VERIFIED`. */
  verification_status?: string;
  /** `DNS`, `ADMIN` or `NOT_APPLICABLE`. */
  verification_method?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export type DirectoryUserCreatedEvent = ScalekitEventEnvelope<'organization.directory.user_created', 'DirectoryUser', DirectoryUserData>;
export type DirectoryUserUpdatedEvent = ScalekitEventEnvelope<'organization.directory.user_updated', 'DirectoryUser', DirectoryUserData>;
export type DirectoryUserDeletedEvent = ScalekitEventEnvelope<'organization.directory.user_deleted', 'DirectoryUser', DeletedDirectoryUserData>;
export type DirectoryGroupCreatedEvent = ScalekitEventEnvelope<'organization.directory.group_created', 'DirectoryGroup', DirectoryGroupData>;
export type DirectoryGroupUpdatedEvent = ScalekitEventEnvelope<'organization.directory.group_updated', 'DirectoryGroup', DirectoryGroupData>;
export type DirectoryGroupDeletedEvent = ScalekitEventEnvelope<'organization.directory.group_deleted', 'DirectoryGroup', DirectoryGroupData>;
export type DirectoryEnabledEvent = ScalekitEventEnvelope<'organization.directory_enabled', 'Directory', DirectoryData>;
export type DirectoryDisabledEvent = ScalekitEventEnvelope<'organization.directory_disabled', 'Directory', DirectoryData>;
export type SsoCreatedEvent = ScalekitEventEnvelope<'organization.sso_created', 'Connection', ConnectionData>;
export type SsoDeletedEvent = ScalekitEventEnvelope<'organization.sso_deleted', 'Connection', ConnectionData>;
export type SsoEnabledEvent = ScalekitEventEnvelope<'organization.sso_enabled', 'Connection', ConnectionData>;
export type SsoDisabledEvent = ScalekitEventEnvelope<'organization.sso_disabled', 'Connection', ConnectionData>;
export type DomainCreatedEvent = ScalekitEventEnvelope<'organization.domain_created', 'Organization', DomainData>;
export type DomainDeletedEvent = ScalekitEventEnvelope<'organization.domain_deleted', 'Organization', DomainData>;
export type DomainVerificationSucceededEvent = ScalekitEventEnvelope<'organization.domain_dns_verification_success', 'Organization', DomainData>;
export type DomainVerificationFailedEvent = ScalekitEventEnvelope<'organization.domain_dns_verification_failed', 'Organization', DomainData>;

/** Every event `scalekitWebhooks()` hands to `onEvent`; narrow it with `event.type`. */
export type ScalekitWebhookEvent =
  | DirectoryUserCreatedEvent
  | DirectoryUserUpdatedEvent
  | DirectoryUserDeletedEvent
  | DirectoryGroupCreatedEvent
  | DirectoryGroupUpdatedEvent
  | DirectoryGroupDeletedEvent
  | DirectoryEnabledEvent
  | DirectoryDisabledEvent
  | SsoCreatedEvent
  | SsoDeletedEvent
  | SsoEnabledEvent
  | SsoDisabledEvent
  | DomainCreatedEvent
  | DomainDeletedEvent
  | DomainVerificationSucceededEvent
  | DomainVerificationFailedEvent;

export type ScalekitWebhookEventType = ScalekitWebhookEvent['type'];

/** A verified delivery whose `type` this version does not know (Scalekit adds event types over time). */
export interface UnknownScalekitWebhookEvent {
  id: string;
  type: string;
  [key: string]: unknown;
}

const EVENT_TYPES = {
  'organization.directory.user_created': 'user',
  'organization.directory.user_updated': 'user',
  'organization.directory.user_deleted': 'user',
  'organization.directory.group_created': 'group',
  'organization.directory.group_updated': 'group',
  'organization.directory.group_deleted': 'group',
  'organization.directory_enabled': 'directory',
  'organization.directory_disabled': 'directory',
  'organization.sso_created': 'connection',
  'organization.sso_deleted': 'connection',
  'organization.sso_enabled': 'connection',
  'organization.sso_disabled': 'connection',
  'organization.domain_created': 'domain',
  'organization.domain_deleted': 'domain',
  'organization.domain_dns_verification_success': 'domain',
  'organization.domain_dns_verification_failed': 'domain',
} as const satisfies Record<ScalekitWebhookEventType, string>;

/** Every event type `ScalekitWebhookEvent` covers. */
export const SCALEKIT_WEBHOOK_EVENT_TYPES = Object.keys(EVENT_TYPES) as ScalekitWebhookEventType[];

export function isKnownEventType(type: string): type is ScalekitWebhookEventType {
  return Object.hasOwn(EVENT_TYPES, type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export type ParsedEvent =
  | { kind: 'known'; event: ScalekitWebhookEvent }
  | { kind: 'unknown'; event: UnknownScalekitWebhookEvent }
  | { kind: 'invalid'; reason: string };

/**
 * Checks a parsed JSON body just enough that the types above hold: an object with a string `id` and `type`, and
 * for known types a `data` object with a string `id` and a string `organization_id` (in the envelope or in `data`;
 * hosts key users under it). The reason never quotes the payload.
 */
export function parseEvent(body: unknown): ParsedEvent {
  if (!isRecord(body)) return { kind: 'invalid', reason: 'The event must be a JSON object.' };
  if (!isNonEmptyString(body.id)) return { kind: 'invalid', reason: 'The event has no string "id".' };
  if (!isNonEmptyString(body.type)) return { kind: 'invalid', reason: 'The event has no string "type".' };
  if (!isKnownEventType(body.type)) {
    return { kind: 'unknown', event: body as UnknownScalekitWebhookEvent };
  }
  const data = body.data;
  if (!isRecord(data) || !isNonEmptyString(data.id)) {
    return { kind: 'invalid', reason: 'The event has no "data" object with a string "id".' };
  }
  // organization.* events name their organization in the envelope; fall back on data's copy, and back.
  const organizationId = body.organization_id ?? data.organization_id;
  if (!isNonEmptyString(organizationId)) {
    return { kind: 'invalid', reason: 'The event has no string "organization_id".' };
  }
  if (data.organization_id !== undefined && typeof data.organization_id !== 'string') {
    return { kind: 'invalid', reason: 'The event data\'s "organization_id" must be a string.' };
  }
  // Two different organizations in one event would let a handler file a user under the wrong tenant.
  if (data.organization_id !== undefined && data.organization_id !== organizationId) {
    return { kind: 'invalid', reason: 'The event names two different organizations.' };
  }
  body.organization_id = organizationId;
  if (EVENT_TYPES[body.type] === 'user' && data.organization_id === undefined) data.organization_id = organizationId;
  return { kind: 'known', event: body as unknown as ScalekitWebhookEvent };
}
