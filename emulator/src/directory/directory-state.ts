/**
 * The simulated identity provider's directory, per organization: one SCIM directory with users and groups.
 * Every change emits the event Scalekit would send, with Scalekit's envelope and `data` shapes (as documented
 * for Scalekit's directory webhooks). Every operation validates all of its input before touching state, so a refused operation
 * leaves the state exactly as it was.
 *
 * Choices where Scalekit's docs are silent or ambiguous (documented in the README):
 * - Deprovisioning as Scalekit's docs describe it: a user deactivated in the IdP (SCIM `PATCH active=false`)
 *   arrives as `organization.directory.user_deleted` (with `active: false`), and so does a deleted one; hosts
 *   deactivate on it. A deactivated user stays listed here; reactivating them sends `user_created` again.
 * - Renaming or deleting a group, and membership changes, also send `user_updated` for each affected member,
 *   so a host that only follows user events always has the right group names.
 * - Users and groups can only change while the directory is enabled (a disabled directory accepts no pushes).
 */
import { randomBytes, randomInt } from 'node:crypto';

export const DIRECTORY_PROVIDERS = [
  'OKTA', 'GOOGLE', 'MICROSOFT_AD', 'AUTH0', 'ONELOGIN', 'JUMPCLOUD', 'PING_IDENTITY', 'CUSTOM',
] as const;
export type DirectoryProviderName = (typeof DIRECTORY_PROVIDERS)[number];

export const DIRECTORY_LIMITS = {
  usersPerDirectory: 500,
  groupsPerDirectory: 100,
  groupsPerUser: 50,
  rolesPerUser: 20,
  textLength: 200,
  emailLength: 254,
} as const;

export type DirectoryErrorCode = 'invalid_request' | 'not_found' | 'conflict' | 'directory_disabled' | 'limit_exceeded';

/** A refused operation. Messages name the field or kind of object, never echo the input. */
export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    /** For not_found: what was missing (lets the gRPC side pick Scalekit's error code). */
    readonly subject?: 'organization' | 'directory' | 'user' | 'group',
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export interface Directory {
  id: string;
  organizationId: string;
  name: string;
  provider: DirectoryProviderName;
  enabled: boolean;
  /** The SCIM base URL the customer's IdP would push to. */
  endpoint: string;
  /** The SCIM bearer token shown once in the portal (the IdP's credential, not the host's). */
  bearerToken: string;
  createdAt: string;
  updatedAt: string;
}

export interface DirectoryUser {
  id: string;
  organizationId: string;
  directoryId: string;
  /** The IdP's own id for the user (SCIM `id`). */
  dpId: string;
  email: string;
  givenName: string;
  familyName: string;
  name: string;
  preferredUsername: string;
  active: boolean;
  /** Group ids (`dirgroup_…`), in the order they were added. */
  groupIds: string[];
  roles: string[];
  createdAt: string;
  updatedAt: string;
}

export interface DirectoryGroup {
  id: string;
  organizationId: string;
  directoryId: string;
  dpId: string;
  displayName: string;
  createdAt: string;
  updatedAt: string;
}

export interface UserInput {
  email: string;
  givenName?: string;
  familyName?: string;
  name?: string;
  preferredUsername?: string;
  /** Group ids (`dirgroup_…`) of this directory. */
  groups?: string[];
  roles?: string[];
  active?: boolean;
}
export type UserPatch = Partial<UserInput>;

export interface GroupInput {
  displayName: string;
}

export type WebhookObject = 'Directory' | 'DirectoryUser' | 'DirectoryGroup';

/** Scalekit's webhook envelope. */
export interface DirectoryEvent {
  spec_version: '1';
  id: string;
  type: string;
  occurred_at: string;
  environment_id: string;
  organization_id: string;
  object: WebhookObject;
  data: Record<string, unknown>;
}

export interface DirectoryStateOptions {
  /** Whether the emulator knows this organization. */
  hasOrganization: (organizationId: string) => boolean;
  /** Called for every event, in the order the changes happened. */
  emit?: (event: DirectoryEvent) => void;
  /** The emulator's base URL (for SCIM endpoints); read lazily because the port is known only after listen. */
  baseUrl?: () => string;
  /** `env_…` stamped on every envelope. */
  environmentId?: string;
}

interface OrgDirectory {
  directory: Directory;
  users: Map<string, DirectoryUser>;
  groups: Map<string, DirectoryGroup>;
}

export interface DirectorySnapshot {
  directory: Directory;
  users: DirectoryUser[];
  groups: DirectoryGroup[];
}

export interface ListOptions {
  /** Only items updated strictly after this instant. */
  updatedAfter?: Date;
  /** Only users in this group. */
  groupId?: string;
}

const USER_FIELDS = new Set(['email', 'givenName', 'familyName', 'name', 'preferredUsername', 'groups', 'roles', 'active']);
const GROUP_FIELDS = new Set(['displayName']);
const EMAIL = /^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export class DirectoryState {
  readonly environmentId: string;
  readonly #orgs = new Map<string, OrgDirectory>();
  readonly #options: DirectoryStateOptions;
  #lastTick = 0;

  constructor(options: DirectoryStateOptions) {
    this.#options = options;
    this.environmentId = options.environmentId ?? newId('env');
  }

  // ---- directories -------------------------------------------------------------------------------------

  /** The organization's directory, created (disabled, no event) on first use — as when an admin opens the portal. */
  ensureDirectory(organizationId: unknown): Directory {
    return { ...this.#ensure(organizationId).directory };
  }

  /** The organization's directory if one was set up, else null. */
  findDirectory(organizationId: unknown): Directory | null {
    const org = this.#org(organizationId, false);
    return org ? { ...org.directory } : null;
  }

  setProvider(organizationId: unknown, provider: unknown): Directory {
    const org = this.#ensure(organizationId);
    if (typeof provider !== 'string' || !(DIRECTORY_PROVIDERS as readonly string[]).includes(provider)) {
      throw new DirectoryError('invalid_request', `provider must be one of ${DIRECTORY_PROVIDERS.join(', ')}`);
    }
    org.directory.provider = provider as DirectoryProviderName;
    org.directory.updatedAt = this.#now();
    return { ...org.directory };
  }

  /** Turns directory sync on or off; emits `organization.directory_enabled` / `_disabled` when it changes. */
  setEnabled(organizationId: unknown, enabled: unknown): Directory {
    if (typeof enabled !== 'boolean') throw new DirectoryError('invalid_request', 'enabled must be a boolean');
    const org = this.#ensure(organizationId);
    if (org.directory.enabled !== enabled) {
      org.directory.enabled = enabled;
      org.directory.updatedAt = this.#now();
      this.#emit(org, enabled ? 'organization.directory_enabled' : 'organization.directory_disabled', 'Directory',
        directoryData(org.directory));
    }
    return { ...org.directory };
  }

  /**
   * Mirrors a directory whose settings live elsewhere (the portal page's own record: id, endpoint, token,
   * provider, enabled). Emits `directory_enabled` / `_disabled` when `enabled` changes. A different id means
   * a new directory: its users and groups start empty.
   */
  adoptDirectory(
    organizationId: unknown,
    record: { id: string; provider: string; enabled: boolean; endpoint: string; bearerToken: string },
  ): Directory {
    const provider = (DIRECTORY_PROVIDERS as readonly string[]).includes(record.provider) ? record.provider as DirectoryProviderName : 'CUSTOM';
    let org = this.#org(organizationId, false);
    if (!org || org.directory.id !== record.id) {
      org = this.#ensure(organizationId);
      if (org.directory.id !== record.id) {
        org.directory.id = record.id;
        org.directory.enabled = false;
        org.users.clear();
        org.groups.clear();
      }
    }
    const { directory } = org;
    directory.provider = provider;
    directory.endpoint = record.endpoint;
    directory.bearerToken = record.bearerToken;
    directory.updatedAt = this.#now();
    if (directory.enabled !== record.enabled) {
      directory.enabled = record.enabled;
      this.#emit(org, record.enabled ? 'organization.directory_enabled' : 'organization.directory_disabled', 'Directory',
        directoryData(directory));
    }
    return { ...directory };
  }

  /** Everything about one organization's directory, or null when none was set up. */
  snapshot(organizationId: unknown): DirectorySnapshot | null {
    const org = this.#org(organizationId, false);
    if (!org) return null;
    return {
      directory: { ...org.directory },
      users: [...org.users.values()].map(copyUser),
      groups: [...org.groups.values()].map((group) => ({ ...group })),
    };
  }

  // ---- users -------------------------------------------------------------------------------------------

  addUser(organizationId: unknown, input: unknown): DirectoryUser {
    const org = this.#writable(organizationId);
    const fields = readFields(input, USER_FIELDS, 'user');
    if (fields.email === undefined) throw new DirectoryError('invalid_request', 'email is required');
    const user = this.#applyUser(org, null, fields);
    if (org.users.size >= DIRECTORY_LIMITS.usersPerDirectory) {
      throw new DirectoryError('limit_exceeded', `a directory holds at most ${DIRECTORY_LIMITS.usersPerDirectory} users`);
    }
    org.users.set(user.id, user);
    this.#emitUser(org, 'organization.directory.user_created', user);
    return copyUser(user);
  }

  updateUser(organizationId: unknown, userId: unknown, patch: unknown): DirectoryUser {
    const org = this.#writable(organizationId);
    const current = this.#user(org, userId);
    const fields = readFields(patch, USER_FIELDS, 'user');
    if (Object.keys(fields).length === 0) throw new DirectoryError('invalid_request', 'nothing to change');
    const next = this.#applyUser(org, current, fields);
    if (sameUser(current, next)) return copyUser(current);
    org.users.set(next.id, next);
    const type = current.active === next.active ? 'organization.directory.user_updated'
      : next.active ? 'organization.directory.user_created' : 'organization.directory.user_deleted';
    this.#emitUser(org, type, next);
    return copyUser(next);
  }

  deactivateUser(organizationId: unknown, userId: unknown): DirectoryUser {
    return this.updateUser(organizationId, userId, { active: false });
  }

  deleteUser(organizationId: unknown, userId: unknown): void {
    const org = this.#writable(organizationId);
    const user = this.#user(org, userId);
    org.users.delete(user.id);
    this.#emit(org, 'organization.directory.user_deleted', 'DirectoryUser', {
      id: user.id, organization_id: user.organizationId, dp_id: user.dpId, email: user.email,
    });
  }

  /** Users in creation order, filtered. */
  listUsers(organizationId: unknown, directoryId: unknown, options: ListOptions = {}): DirectoryUser[] {
    const org = this.#byDirectory(organizationId, directoryId);
    if (options.groupId !== undefined && !org.groups.has(options.groupId)) {
      throw new DirectoryError('not_found', 'no such group in this directory', 'group');
    }
    const after = options.updatedAfter?.getTime();
    return [...org.users.values()]
      .filter((user) => options.groupId === undefined || user.groupIds.includes(options.groupId))
      .filter((user) => after === undefined || Date.parse(user.updatedAt) > after)
      .map(copyUser);
  }

  // ---- groups ------------------------------------------------------------------------------------------

  addGroup(organizationId: unknown, input: unknown): DirectoryGroup {
    const org = this.#writable(organizationId);
    const fields = readFields(input, GROUP_FIELDS, 'group');
    const displayName = requiredText(fields.displayName, 'displayName');
    this.#assertGroupNameFree(org, displayName, null);
    if (org.groups.size >= DIRECTORY_LIMITS.groupsPerDirectory) {
      throw new DirectoryError('limit_exceeded', `a directory holds at most ${DIRECTORY_LIMITS.groupsPerDirectory} groups`);
    }
    const now = this.#now();
    const group: DirectoryGroup = {
      id: newId('dirgroup'), organizationId: org.directory.organizationId, directoryId: org.directory.id,
      dpId: `00g${randomBytes(9).toString('hex')}`, displayName, createdAt: now, updatedAt: now,
    };
    org.groups.set(group.id, group);
    this.#emit(org, 'organization.directory.group_created', 'DirectoryGroup', groupData(org, group));
    return { ...group };
  }

  /** Renames a group: `group_updated`, then `user_updated` for each member (their `groups[].name` changed). */
  updateGroup(organizationId: unknown, groupId: unknown, patch: unknown): DirectoryGroup {
    const org = this.#writable(organizationId);
    const group = this.#group(org, groupId);
    const fields = readFields(patch, GROUP_FIELDS, 'group');
    const displayName = requiredText(fields.displayName, 'displayName');
    if (displayName === group.displayName) return { ...group };
    this.#assertGroupNameFree(org, displayName, group.id);
    group.displayName = displayName;
    group.updatedAt = this.#now();
    this.#emit(org, 'organization.directory.group_updated', 'DirectoryGroup', groupData(org, group));
    this.#touchMembers(org, group.id, (user) => user);
    return { ...group };
  }

  /** Deletes a group: `group_deleted`, then `user_updated` for each former member. */
  deleteGroup(organizationId: unknown, groupId: unknown): void {
    const org = this.#writable(organizationId);
    const group = this.#group(org, groupId);
    const members = [...org.users.values()].filter((user) => user.groupIds.includes(group.id));
    org.groups.delete(group.id);
    this.#emit(org, 'organization.directory.group_deleted', 'DirectoryGroup', {
      id: group.id, organization_id: group.organizationId, directory_id: group.directoryId, display_name: group.displayName,
      external_id: group.dpId, dp_id: group.dpId,
    });
    for (const member of members) {
      const next = { ...member, groupIds: member.groupIds.filter((id) => id !== group.id), updatedAt: this.#now() };
      org.users.set(next.id, next);
      this.#emitUser(org, 'organization.directory.user_updated', next);
    }
  }

  addMember(organizationId: unknown, groupId: unknown, userId: unknown): DirectoryUser {
    const org = this.#writable(organizationId);
    const group = this.#group(org, groupId);
    const user = this.#user(org, userId);
    if (user.groupIds.includes(group.id)) return copyUser(user);
    return this.updateUser(organizationId, user.id, { groups: [...user.groupIds, group.id] });
  }

  removeMember(organizationId: unknown, groupId: unknown, userId: unknown): DirectoryUser {
    const org = this.#writable(organizationId);
    const group = this.#group(org, groupId);
    const user = this.#user(org, userId);
    if (!user.groupIds.includes(group.id)) throw new DirectoryError('not_found', 'the user is not a member of this group');
    return this.updateUser(organizationId, user.id, { groups: user.groupIds.filter((id) => id !== group.id) });
  }

  listGroups(organizationId: unknown, directoryId: unknown, options: ListOptions = {}): DirectoryGroup[] {
    const org = this.#byDirectory(organizationId, directoryId);
    const after = options.updatedAfter?.getTime();
    return [...org.groups.values()]
      .filter((group) => after === undefined || Date.parse(group.updatedAt) > after)
      .map((group) => ({ ...group }));
  }

  /** Members of a group (for totals). */
  memberCount(organizationId: string, groupId: string): number {
    const org = this.#orgs.get(organizationId);
    if (!org) return 0;
    let count = 0;
    for (const user of org.users.values()) if (user.groupIds.includes(groupId)) count += 1;
    return count;
  }

  /** The webhook `data` for a user, as sent in `user_created` / `user_updated` (also the RPC `user_detail`). */
  userData(user: DirectoryUser): Record<string, unknown> {
    const org = this.#orgs.get(user.organizationId);
    return org ? userData(org, user) : {};
  }

  /** The webhook `data` for a group (also the RPC `group_detail`). */
  groupData(group: DirectoryGroup): Record<string, unknown> {
    const org = this.#orgs.get(group.organizationId);
    return org ? groupData(org, group) : {};
  }

  /** Forgets every directory (no events). */
  reset(): void {
    this.#orgs.clear();
  }

  // ---- internals ---------------------------------------------------------------------------------------

  #org(organizationId: unknown, create: boolean): OrgDirectory | null {
    if (typeof organizationId !== 'string' || organizationId.length === 0 || organizationId.length > 128) {
      throw new DirectoryError('invalid_request', 'organization id must be a non-empty string');
    }
    const existing = this.#orgs.get(organizationId);
    if (existing) return existing;
    if (!this.#options.hasOrganization(organizationId)) throw new DirectoryError('not_found', 'no such organization', 'organization');
    if (!create) return null;
    const now = this.#now();
    const id = newId('dir');
    const org: OrgDirectory = {
      directory: {
        id, organizationId, name: 'SCIM directory', provider: 'OKTA', enabled: false,
        endpoint: `${this.#options.baseUrl?.() ?? 'http://127.0.0.1'}/directory/${id}/scim/v2`,
        bearerToken: `scim_${randomBytes(24).toString('base64url')}`,
        createdAt: now, updatedAt: now,
      },
      users: new Map(),
      groups: new Map(),
    };
    this.#orgs.set(organizationId, org);
    return org;
  }

  #ensure(organizationId: unknown): OrgDirectory {
    return this.#org(organizationId, true)!;
  }

  #writable(organizationId: unknown): OrgDirectory {
    const org = this.#org(organizationId, false);
    if (!org) throw new DirectoryError('not_found', 'this organization has no directory yet', 'directory');
    if (!org.directory.enabled) throw new DirectoryError('directory_disabled', 'directory sync is disabled for this organization');
    return org;
  }

  #byDirectory(organizationId: unknown, directoryId: unknown): OrgDirectory {
    const org = this.#org(organizationId, false);
    if (!org || org.directory.id !== directoryId) throw new DirectoryError('not_found', 'no such directory in this organization', 'directory');
    return org;
  }

  #user(org: OrgDirectory, userId: unknown): DirectoryUser {
    const user = typeof userId === 'string' ? org.users.get(userId) : undefined;
    if (!user) throw new DirectoryError('not_found', 'no such user in this directory', 'user');
    return user;
  }

  #group(org: OrgDirectory, groupId: unknown): DirectoryGroup {
    const group = typeof groupId === 'string' ? org.groups.get(groupId) : undefined;
    if (!group) throw new DirectoryError('not_found', 'no such group in this directory', 'group');
    return group;
  }

  #assertGroupNameFree(org: OrgDirectory, displayName: string, except: string | null): void {
    for (const group of org.groups.values()) {
      if (group.id !== except && group.displayName.toLowerCase() === displayName.toLowerCase()) {
        throw new DirectoryError('conflict', 'a group with this name already exists');
      }
    }
  }

  /** Validates fields against the directory and returns the resulting user (not stored). */
  #applyUser(org: OrgDirectory, current: DirectoryUser | null, fields: Record<string, unknown>): DirectoryUser {
    const email = fields.email === undefined ? current!.email : readEmail(fields.email);
    for (const other of org.users.values()) {
      if (other.id !== current?.id && other.email.toLowerCase() === email.toLowerCase()) {
        throw new DirectoryError('conflict', 'a user with this email already exists in this directory');
      }
    }
    const givenName = fields.givenName === undefined ? current?.givenName ?? '' : optionalText(fields.givenName, 'givenName');
    const familyName = fields.familyName === undefined ? current?.familyName ?? '' : optionalText(fields.familyName, 'familyName');
    const explicitName = fields.name === undefined ? undefined : optionalText(fields.name, 'name');
    const preferredUsername = fields.preferredUsername === undefined
      ? (current?.preferredUsername ?? email)
      : optionalText(fields.preferredUsername, 'preferredUsername') || email;
    const groupIds = fields.groups === undefined ? current?.groupIds ?? [] : readIdList(fields.groups, 'groups', DIRECTORY_LIMITS.groupsPerUser);
    for (const id of groupIds) if (!org.groups.has(id)) throw new DirectoryError('not_found', 'groups names a group that does not exist in this directory');
    const roles = fields.roles === undefined ? current?.roles ?? [] : readTextList(fields.roles, 'roles', DIRECTORY_LIMITS.rolesPerUser);
    if (fields.active !== undefined && typeof fields.active !== 'boolean') throw new DirectoryError('invalid_request', 'active must be a boolean');
    const active = (fields.active as boolean | undefined) ?? current?.active ?? true;
    // A name the admin never set follows the given/family names; one they set sticks.
    const derivedName = `${givenName} ${familyName}`.trim() || email;
    const name = explicitName !== undefined ? (explicitName || derivedName)
      : current && current.name !== `${current.givenName} ${current.familyName}`.trim() && current.name !== current.email
        ? current.name : derivedName;
    const now = this.#now();
    return {
      id: current?.id ?? newId('diruser'),
      organizationId: org.directory.organizationId,
      directoryId: org.directory.id,
      dpId: current?.dpId ?? `00u${randomBytes(9).toString('hex')}`,
      email, givenName, familyName, name, preferredUsername, active, groupIds, roles,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
  }

  #touchMembers(org: OrgDirectory, groupId: string, change: (user: DirectoryUser) => DirectoryUser): void {
    for (const member of [...org.users.values()]) {
      if (!member.groupIds.includes(groupId)) continue;
      const next = { ...change(member), updatedAt: this.#now() };
      org.users.set(next.id, next);
      this.#emitUser(org, 'organization.directory.user_updated', next);
    }
  }

  #emitUser(org: OrgDirectory, type: string, user: DirectoryUser): void {
    this.#emit(org, type, 'DirectoryUser', userData(org, user));
  }

  #emit(org: OrgDirectory, type: string, object: WebhookObject, data: Record<string, unknown>): void {
    this.#options.emit?.({
      spec_version: '1',
      id: newId('evt'),
      type,
      occurred_at: this.#now(),
      environment_id: this.environmentId,
      organization_id: org.directory.organizationId,
      object,
      data,
    });
  }

  /** Strictly increasing timestamps, so `updatedAfter` can tell apart two changes in the same millisecond. */
  #now(): string {
    this.#lastTick = Math.max(Date.now(), this.#lastTick + 1);
    return new Date(this.#lastTick).toISOString();
  }
}

// ---- shapes ------------------------------------------------------------------------------------------------

function directoryData(directory: Directory): Record<string, unknown> {
  return {
    id: directory.id,
    organization_id: directory.organizationId,
    directory_type: 'SCIM',
    provider: directory.provider,
    enabled: directory.enabled,
    updated_at: directory.updatedAt,
  };
}

function userData(org: OrgDirectory, user: DirectoryUser): Record<string, unknown> {
  const groups = user.groupIds.map((id) => org.groups.get(id)).filter((group): group is DirectoryGroup => !!group);
  return {
    id: user.id,
    organization_id: user.organizationId,
    dp_id: user.dpId,
    email: user.email,
    given_name: user.givenName,
    family_name: user.familyName,
    name: user.name,
    preferred_username: user.preferredUsername,
    active: user.active,
    groups: groups.map((group) => ({ id: group.id, name: group.displayName })),
    roles: user.roles.map((role_name) => ({ role_name })),
    raw_attributes: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: user.dpId,
      userName: user.preferredUsername,
      name: { givenName: user.givenName, familyName: user.familyName, formatted: user.name },
      displayName: user.name,
      emails: [{ value: user.email, type: 'work', primary: true }],
      active: user.active,
      groups: groups.map((group) => ({ value: group.dpId, display: group.displayName })),
      meta: { resourceType: 'User', created: user.createdAt, lastModified: user.updatedAt },
    },
  };
}

function groupData(org: OrgDirectory, group: DirectoryGroup): Record<string, unknown> {
  const members = [...org.users.values()].filter((user) => user.groupIds.includes(group.id));
  return {
    id: group.id,
    organization_id: group.organizationId,
    directory_id: group.directoryId,
    display_name: group.displayName,
    // The IdP's own id for the group, which SCIM clients also send as externalId.
    external_id: group.dpId,
    dp_id: group.dpId,
    raw_attributes: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: group.dpId,
      displayName: group.displayName,
      members: members.map((user) => ({ value: user.dpId, display: user.email })),
      meta: { resourceType: 'Group', created: group.createdAt, lastModified: group.updatedAt },
    },
  };
}

// ---- validation --------------------------------------------------------------------------------------------

function readFields(input: unknown, allowed: Set<string>, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DirectoryError('invalid_request', `${what} must be a JSON object`);
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) throw new DirectoryError('invalid_request', `unknown ${what} field (allowed: ${[...allowed].join(', ')})`);
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

function optionalText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new DirectoryError('invalid_request', `${field} must be a string`);
  const text = value.trim();
  if (text.length > DIRECTORY_LIMITS.textLength) throw new DirectoryError('invalid_request', `${field} is longer than ${DIRECTORY_LIMITS.textLength} characters`);
  if (CONTROL_CHARS.test(text)) throw new DirectoryError('invalid_request', `${field} contains control characters`);
  return text;
}

function requiredText(value: unknown, field: string): string {
  if (value === undefined) throw new DirectoryError('invalid_request', `${field} is required`);
  const text = optionalText(value, field);
  if (text.length === 0) throw new DirectoryError('invalid_request', `${field} must not be empty`);
  return text;
}

function readEmail(value: unknown): string {
  if (typeof value !== 'string') throw new DirectoryError('invalid_request', 'email must be a string');
  const email = value.trim();
  if (email.length > DIRECTORY_LIMITS.emailLength || !EMAIL.test(email)) {
    throw new DirectoryError('invalid_request', 'email must be an address like ada@example.com');
  }
  return email;
}

function readTextList(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value)) throw new DirectoryError('invalid_request', `${field} must be an array of strings`);
  if (value.length > max) throw new DirectoryError('invalid_request', `${field} holds at most ${max} entries`);
  const items = value.map((item) => requiredText(item, field));
  return [...new Set(items)];
}

function readIdList(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value)) throw new DirectoryError('invalid_request', `${field} must be an array of group ids`);
  if (value.length > max) throw new DirectoryError('invalid_request', `${field} holds at most ${max} entries`);
  if (!value.every((item) => typeof item === 'string' && item.length > 0 && item.length <= 128)) {
    throw new DirectoryError('invalid_request', `${field} must be an array of group ids`);
  }
  return [...new Set(value as string[])];
}

function copyUser(user: DirectoryUser): DirectoryUser {
  return { ...user, groupIds: [...user.groupIds], roles: [...user.roles] };
}

function sameUser(a: DirectoryUser, b: DirectoryUser): boolean {
  return a.email === b.email && a.givenName === b.givenName && a.familyName === b.familyName && a.name === b.name &&
    a.preferredUsername === b.preferredUsername && a.active === b.active &&
    a.groupIds.join() === b.groupIds.join() && a.roles.join('\u0000') === b.roles.join('\u0000');
}

/** Scalekit-style ids: a prefix and 18 digits (e.g. `diruser_123456789012345678`). */
export function newId(prefix: string): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 18) digits += String(randomInt(0, 10));
  return `${prefix}_${digits}`;
}
