// scalekit.v1.organizations.OrganizationService: the calls the SDK's `organization` client makes.
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  Feature,
  type OrganizationSchema,
  type OrganizationService,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { scalekitError } from './errors.js';
import type { GrpcContext } from './context.js';
import type { OrganizationRecord } from '../state.js';
import type { EmulatorFeature } from '../types.js';

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;

function toProto(org: OrganizationRecord): MessageInitShape<typeof OrganizationSchema> {
  return {
    id: org.id,
    displayName: org.displayName,
    createTime: timestampFromDate(org.createdAt),
    updateTime: timestampFromDate(org.updatedAt),
    externalId: org.externalId,
    metadata: { ...org.metadata },
    settings: { features: [...org.settings].map(([name, enabled]) => ({ name, enabled })) },
  };
}

function notFound(): ConnectError {
  return scalekitError(Code.NotFound, 'ORGANIZATION_NOT_FOUND', 'organization not found');
}

function linkNotFound(): ConnectError {
  return scalekitError(Code.NotFound, 'PORTAL_LINK_NOT_FOUND', 'portal link not found');
}

function invalid(message: string): ConnectError {
  return scalekitError(Code.InvalidArgument, 'INVALID_ARGUMENT', message);
}

function requireId(id: string): string {
  if (!id) throw invalid('organization id is required');
  if (id.length > 128) throw notFound();
  return id;
}

/**
 * Portal features the SDK's `Feature` enum has no number for (it knows only `dir_sync` and `sso`), so only
 * REST can name them (`?features=domain_verification`); the REST routes hand them over under this key.
 */
export const REST_ONLY_FEATURES = ['domain_verification'] as const;
export const EXTRA_FEATURES_KEY = 'scalekitEmulatorExtraFeatures';

/**
 * Features asked for, in canonical order; none asked means every feature (as Scalekit does). Domain
 * verification is an organization feature as well as a link feature: it shows only while the organization's
 * `domain_verification` setting is on (UpdateOrganizationSettings), as in Scalekit.
 */
export function requestedFeatures(
  req: { features: Feature[]; sso?: boolean; directorySync?: boolean },
  org: OrganizationRecord,
  extra: readonly string[] = [],
): EmulatorFeature[] {
  const wanted = new Set<EmulatorFeature>();
  for (const feature of req.features) {
    if (feature === Feature.sso) wanted.add('sso');
    else if (feature === Feature.dir_sync) wanted.add('dir_sync');
    else if (feature !== Feature.FEATURE_UNSPECIFIED) throw invalid('unknown portal feature');
  }
  for (const name of extra) if (name === 'domain_verification') wanted.add('domain_verification');
  if (req.sso) wanted.add('sso');
  if (req.directorySync) wanted.add('dir_sync');
  const all: EmulatorFeature[] = ['sso', 'dir_sync', 'domain_verification'];
  const chosen = wanted.size === 0 ? all : all.filter((f) => wanted.has(f));
  return chosen.filter((f) => f !== 'domain_verification' || org.settings.get('domain_verification') === true);
}

/** The `features` field exactly as it came on the wire (names, in order), so tests can tell "none sent" from "all". */
function wireFeatures(features: Feature[]): string[] {
  return features.map((feature) => Feature[feature] ?? String(feature));
}

export function organizationService(ctx: GrpcContext): Partial<ServiceImpl<typeof OrganizationService>> {
  const { state, options } = ctx;

  const find = (identities: { case: 'id' | 'externalId' | undefined; value?: string }): OrganizationRecord => {
    if (identities.case === 'id') {
      const org = state.organizations.get(requireId(identities.value ?? ''));
      if (!org) throw notFound();
      return org;
    }
    if (identities.case === 'externalId') {
      const org = [...state.organizations.values()].find((o) => o.externalId === identities.value);
      if (!org) throw notFound();
      return org;
    }
    throw invalid('organization id or external id is required');
  };

  return {
    generatePortalLink(req, handlerContext) {
      const org = state.organizations.get(requireId(req.id));
      if (!org) throw notFound();
      const extra = ((handlerContext as unknown as Record<string, unknown> | undefined)?.[EXTRA_FEATURES_KEY] ?? []) as string[];
      const link = state.mintLink(org.id, requestedFeatures(req, org, extra), options.linkTtlSeconds, [...wireFeatures(req.features), ...extra]);
      return {
        link: { id: link.id, location: state.linkLocation(link), expireTime: timestampFromDate(link.expiresAt) },
      };
    },

    getPortalLinks(req) {
      const org = state.organizations.get(requireId(req.id));
      if (!org) throw notFound();
      return {
        links: state.portalLinks(org.id).map((link) => ({
          id: link.id,
          location: state.linkLocation(link),
          expireTime: timestampFromDate(link.expiresAt),
        })),
      };
    },

    deletePortalLink(req) {
      const org = state.organizations.get(requireId(req.id));
      if (!org) throw notFound();
      state.deletePortalLinks(org.id);
      return {};
    },

    deletePortalLinkByID(req) {
      const org = state.organizations.get(requireId(req.id));
      if (!org) throw notFound();
      if (!req.linkId) throw invalid('link id is required');
      // Another organization's link is as unknown as a made-up one: ids do not leak across organizations.
      if (req.linkId.length > 128 || !state.deletePortalLink(org.id, req.linkId)) throw linkNotFound();
      return {};
    },

    getOrganization(req) {
      return { organization: toProto(find(req.identities)) };
    },

    getOrganizationByExternalId(req) {
      return { organization: toProto(find(req.identities)) };
    },

    createOrganization(req) {
      const input = req.organization;
      const name = input?.displayName.trim() ?? '';
      if (!name || name.length > 200) throw invalid('display_name is required (at most 200 characters)');
      if (input?.externalId !== undefined && [...input.externalId].length > 255) throw invalid('external_id is at most 255 characters');
      const metadataProblem = checkMetadata(input?.metadata ?? {});
      if (metadataProblem) throw invalid(metadataProblem);
      if (input?.externalId && [...state.organizations.values()].some((o) => o.externalId === input.externalId)) {
        throw scalekitError(Code.AlreadyExists, 'ORGANIZATION_ALREADY_EXISTS', 'external id already in use');
      }
      const org = state.addOrganization(name, { externalId: input?.externalId, metadata: input?.metadata });
      return { organization: toProto(org) };
    },

    updateOrganization(req) {
      const org = find(req.identities);
      const patch = req.organization;
      if (patch?.displayName !== undefined) {
        const name = patch.displayName.trim();
        if (!name || name.length > 200) throw invalid('display_name must not be empty');
        org.displayName = name;
      }
      if (patch?.externalId !== undefined) {
        // External ids stay unique, however they are set.
        if (patch.externalId && [...state.organizations.values()].some((o) => o !== org && o.externalId === patch.externalId)) {
          throw scalekitError(Code.AlreadyExists, 'ORGANIZATION_ALREADY_EXISTS', 'external id already in use');
        }
        org.externalId = patch.externalId;
      }
      if (patch) Object.assign(org.metadata, patch.metadata);
      org.updatedAt = new Date();
      return { organization: toProto(org) };
    },

    deleteOrganization(req) {
      const org = find(req.identities);
      state.organizations.delete(org.id);
      ctx.organizationEvents?.organizationDeleted(org);
      return {};
    },

    listOrganization(req) {
      const pageSize = req.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(req.pageSize, MAX_PAGE_SIZE);
      let all = [...state.organizations.values()];
      if (req.externalId) all = all.filter((o) => o.externalId === req.externalId);
      const start = req.pageToken ? decodePageToken(req.pageToken) : 0;
      const page = all.slice(start, start + pageSize);
      const next = start + pageSize < all.length ? encodePageToken(start + pageSize) : '';
      const prev = start > 0 ? encodePageToken(Math.max(0, start - pageSize)) : '';
      return { organizations: page.map(toProto), totalSize: all.length, nextPageToken: next, prevPageToken: prev };
    },

    updateOrganizationSettings(req) {
      const org = state.organizations.get(requireId(req.id));
      if (!org) throw notFound();
      for (const feature of req.settings?.features ?? []) {
        if (!/^[a-z_]{1,64}$/.test(feature.name)) throw invalid('feature name must be lower snake case');
        org.settings.set(feature.name, feature.enabled);
      }
      org.updatedAt = new Date();
      return { organization: toProto(org) };
    },
  };
}

/** Scalekit's documented metadata limits: at most 10 pairs, keys 3–25 characters, values 1–256 (code points). */
function checkMetadata(metadata: Record<string, string>): string | null {
  const entries = Object.entries(metadata);
  if (entries.length > 10) return 'metadata holds at most 10 pairs';
  for (const [key, value] of entries) {
    if ([...key].length < 3 || [...key].length > 25) return 'metadata keys are 3 to 25 characters';
    if ([...value].length < 1 || [...value].length > 256) return 'metadata values are 1 to 256 characters';
  }
  return null;
}

function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodePageToken(token: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token.slice(0, 64), 'base64url').toString());
  if (!match) throw invalid('page_token is not valid');
  return Number(match[1]);
}
