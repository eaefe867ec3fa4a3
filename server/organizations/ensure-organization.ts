// `ensureOrganization()`: step 1 of onboarding an enterprise customer. The host's own tenant id is the
// organization's external id in Scalekit, so the organization is created once and found again by it, however
// many requests, processes or retries ask at the same time.

import type { ScalekitClientLike } from '../scalekit/types.js';
import type { ScalekitApi } from '../scalekit/types.js';
import { scalekitApi } from '../scalekit/sdk-adapter.js';

export interface EnsureOrganizationInput {
  /** The host's own id for this customer (its tenant id). 1–255 characters, not `.` or `..`. */
  externalId: string;
  /** The organization's display name, used only when it is created. 1–200 characters (trimmed). */
  name: string;
  /** Stored with a new organization: at most 10 pairs, keys 3–25 characters, values 1–256. */
  metadata?: Record<string, string>;
}

export interface EnsuredOrganization {
  /** Scalekit's id (`org_…`): what `authorize` hands to scalekitPortal() and scalekitSetupLinks(). */
  organizationId: string;
  externalId: string;
  /** The name Scalekit holds: an existing organization keeps its own, whatever `name` said. */
  name: string;
  /** True only for the one call that created it. */
  created: boolean;
}

/** The input limits ensureOrganization() checks before anything reaches Scalekit (Scalekit's own, where it documents them). */
export const ORGANIZATION_LIMITS = {
  nameMaxLength: 200,
  externalIdMaxLength: 255,
  metadataMaxPairs: 10,
  metadataKeyLength: [3, 25],
  metadataValueLength: [1, 256],
} as const;

// gRPC ALREADY_EXISTS, as both clients carry it in `grpcStatus`.
const ALREADY_EXISTS = 6;

// After a lost create race the winner's organization is normally readable at once; these pauses only cover a
// store that shows it a moment later.
const REREAD_DELAYS_MS = [0, 100, 400];

/**
 * Calls in flight per client and external id, so concurrent calls in one process share one round trip (the
 * first caller's). Keyed
 * on the client the host passed, which stays the same object however its `ScalekitApi` is produced.
 */
const inFlight = new WeakMap<object, Map<string, Promise<EnsuredOrganization>>>();

/**
 * The Scalekit organization for the host's tenant `externalId`, created (with `name` and `metadata`) when
 * Scalekit has none.
 *
 * Safe under concurrency: calls for one external id in one process share a single lookup and create; across
 * processes, Scalekit refuses a second organization with the same external id (ALREADY_EXISTS), and the
 * loser reads the winner's organization back. Of calls racing for one external id, exactly one returns
 * `created: true`. Invalid input rejects with a `TypeError` naming the field, before
 * anything is sent.
 *
 * @example
 * ```ts
 * const { organizationId, created } = await ensureOrganization(scalekit, { externalId: tenant.id, name: tenant.name });
 * ```
 */
export async function ensureOrganization(
  scalekit: ScalekitClientLike,
  input: EnsureOrganizationInput,
): Promise<EnsuredOrganization> {
  const checked = checkInput(input);
  if (typeof scalekit !== 'object' || scalekit === null) {
    throw new TypeError('ensureOrganization: `scalekit` (a Scalekit SDK client or scalekitRest()) is required');
  }
  const api = scalekitApi(scalekit);
  let calls = inFlight.get(scalekit);
  if (!calls) inFlight.set(scalekit, (calls = new Map()));
  const pending = calls.get(checked.externalId);
  // Followers share the leader's round trip, not its `created`: only the call that created it may say so.
  if (pending) return pending.then((org) => ({ ...org, created: false }));
  const call = lookUpOrCreate(api, checked).finally(() => calls.delete(checked.externalId));
  calls.set(checked.externalId, call);
  return call;
}

async function lookUpOrCreate(api: ScalekitApi, input: Required<EnsureOrganizationInput>): Promise<EnsuredOrganization> {
  const existing = await api.getOrganizationByExternalId(input.externalId);
  if (existing) return result(existing, input.externalId, false);
  try {
    const created = await api.createOrganization(input);
    return result(created, input.externalId, true);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    // Another process created it between our lookup and our create: theirs is the one.
    for (const delay of REREAD_DELAYS_MS) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const winner = await api.getOrganizationByExternalId(input.externalId);
      if (winner) return result(winner, input.externalId, false);
    }
    throw error;
  }
}

function result(org: { id: string; name: string }, externalId: string, created: boolean): EnsuredOrganization {
  return { organizationId: org.id, externalId, name: org.name, created };
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { grpcStatus?: unknown }).grpcStatus === ALREADY_EXISTS;
}

// --- Input ------------------------------------------------------------------------------------------------------

function checkInput(input: EnsureOrganizationInput): Required<EnsureOrganizationInput> {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('ensureOrganization: input `{ externalId, name, metadata? }` is required');
  }
  const { externalId, name, metadata } = input;
  const externalIdProblem = checkText(externalId, 1, ORGANIZATION_LIMITS.externalIdMaxLength) ?? checkPathSafe(externalId as string);
  if (externalIdProblem) throw new TypeError(`ensureOrganization: \`externalId\` ${externalIdProblem}`);
  const trimmedName = typeof name === 'string' ? name.trim() : name;
  const nameProblem = checkText(trimmedName, 1, ORGANIZATION_LIMITS.nameMaxLength);
  if (nameProblem) throw new TypeError(`ensureOrganization: \`name\` ${nameProblem}`);
  return { externalId, name: trimmedName, metadata: checkMetadata(metadata) };
}

// Protobuf and JSON would turn a lone surrogate into U+FFFD: the id stored would not be the id given.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not a usable string of `min`–`max` characters, or null when it is. */
function checkText(value: unknown, min: number, max: number): string | null {
  if (typeof value !== 'string') return `must be a string of ${min} to ${max} characters`;
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  // Control characters would travel into Scalekit's URLs and logs unseen.
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  const length = [...value].length;
  if (length < min || length > max) return `must be ${min} to ${max} characters (got ${length})`;
  return null;
}

/**
 * Scalekit's REST API finds an organization by external id in the URL path, where `.` and `..` are steps up
 * the path, not a segment: refused for every client, so an id that works through the SDK works everywhere.
 */
function checkPathSafe(value: string): string | null {
  return value === '.' || value === '..' ? 'must not be "." or "..": it cannot travel in a URL path' : null;
}

function checkMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError('ensureOrganization: `metadata` must be an object of string values');
  }
  const entries = Object.entries(metadata);
  if (entries.length > ORGANIZATION_LIMITS.metadataMaxPairs) {
    throw new TypeError(`ensureOrganization: \`metadata\` holds at most ${ORGANIZATION_LIMITS.metadataMaxPairs} pairs`);
  }
  const [keyMin, keyMax] = ORGANIZATION_LIMITS.metadataKeyLength;
  const [valueMin, valueMax] = ORGANIZATION_LIMITS.metadataValueLength;
  for (const [key, value] of entries) {
    const keyProblem = checkText(key, keyMin, keyMax);
    if (keyProblem) throw new TypeError(`ensureOrganization: \`metadata\` key ${JSON.stringify(key.slice(0, 40))} ${keyProblem}`);
    const valueProblem = checkText(value, valueMin, valueMax);
    if (valueProblem) throw new TypeError(`ensureOrganization: \`metadata.${key}\` ${valueProblem}`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
