/**
 * scalekit.v1.directories.DirectoryService over gRPC, on the descriptors the SDK ships, answering from the
 * simulated IdP's DirectoryState: ListDirectories, GetDirectory, ListDirectoryUsers, ListDirectoryGroups,
 * EnableDirectory and DisableDirectory. Other methods answer UNIMPLEMENTED (connect's default).
 */
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { ErrorInfoSchema } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';
import {
  DirectoryProvider,
  DirectoryType,
  SecretStatus,
  type DirectoryGroupSchema,
  type DirectorySchema,
  type DirectoryService,
  type DirectoryUserSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import {
  DirectoryError,
  type Directory,
  type DirectoryGroup,
  type DirectoryState,
  type DirectoryUser,
} from './directory-state.js';

export const USER_PAGE = { default: 10, max: 100 } as const;
export const GROUP_PAGE = { default: 10, max: 30 } as const;

export interface DirectoryServiceOptions {
  state: DirectoryState;
  /** Turns directory sync on/off for EnableDirectory / DisableDirectory (default: the state's own setter). */
  setEnabled?: (organizationId: string, enabled: boolean) => void;
}

function grpcError(code: Code, errorCode: string, message: string): ConnectError {
  return new ConnectError(message, code, undefined, [{ desc: ErrorInfoSchema, value: { errorCode } }]);
}

/** DirectoryError → the gRPC status and ErrorInfo code Scalekit would answer. */
function toGrpc(error: unknown): never {
  if (error instanceof DirectoryError) {
    if (error.code === 'not_found') {
      const subject = error.subject ?? 'directory';
      throw grpcError(Code.NotFound, `${subject.toUpperCase()}_NOT_FOUND`, error.message);
    }
    if (error.code === 'invalid_request') throw grpcError(Code.InvalidArgument, 'INVALID_ARGUMENT', error.message);
    throw grpcError(Code.FailedPrecondition, error.code.toUpperCase(), error.message);
  }
  throw error;
}

function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    return toGrpc(error);
  }
}

/** Opaque page tokens: the offset, base64url-encoded. */
export function encodePageToken(offset: number): string {
  return Buffer.from(`o${offset}`).toString('base64url');
}

function decodePageToken(token: string): number {
  if (token === '') return 0;
  const match = token.length <= 32 ? /^o(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8')) : null;
  if (!match) throw grpcError(Code.InvalidArgument, 'INVALID_PAGE_TOKEN', 'page_token is not one this server issued');
  return Number(match[1]);
}

function page<T>(items: T[], pageSize: number, pageToken: string, limits: { default: number; max: number }) {
  if (!Number.isInteger(pageSize) || pageSize < 0) throw grpcError(Code.InvalidArgument, 'INVALID_ARGUMENT', 'page_size must not be negative');
  const size = Math.min(pageSize || limits.default, limits.max);
  const offset = decodePageToken(pageToken);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    totalSize: items.length,
    nextPageToken: end < items.length ? encodePageToken(end) : '',
    prevPageToken: offset > 0 ? encodePageToken(Math.max(0, offset - size)) : '',
  };
}

function requireText(value: string, field: string): string {
  if (!value) throw grpcError(Code.InvalidArgument, 'INVALID_ARGUMENT', `${field} is required`);
  return value;
}

function dateOf(timestamp: Timestamp | undefined): Date | undefined {
  if (!timestamp) return undefined;
  const date = timestampDate(timestamp);
  if (Number.isNaN(date.getTime())) throw grpcError(Code.InvalidArgument, 'INVALID_ARGUMENT', 'updated_after is not a valid time');
  return date;
}

export function directoryService(options: DirectoryServiceOptions): Partial<ServiceImpl<typeof DirectoryService>> {
  const { state } = options;
  const setEnabled = options.setEnabled ?? ((organizationId: string, enabled: boolean) => void state.setEnabled(organizationId, enabled));

  const directoryProto = (directory: Directory): MessageInitShape<typeof DirectorySchema> => {
    const snapshot = state.snapshot(directory.organizationId)!;
    const lastUserChange = latest(snapshot.users.map((u) => u.updatedAt));
    const lastGroupChange = latest(snapshot.groups.map((g) => g.updatedAt));
    return {
      id: directory.id,
      name: directory.name,
      directoryType: DirectoryType.SCIM,
      organizationId: directory.organizationId,
      enabled: directory.enabled,
      directoryProvider: DirectoryProvider[directory.provider as keyof typeof DirectoryProvider] ?? DirectoryProvider.DIRECTORY_PROVIDER_UNSPECIFIED,
      lastSyncedAt: lastUserChange || lastGroupChange ? timestampFromDate(new Date(latest([lastUserChange, lastGroupChange].filter(Boolean) as string[])!)) : undefined,
      directoryEndpoint: directory.endpoint,
      totalUsers: snapshot.users.length,
      totalGroups: snapshot.groups.length,
      // Scalekit shows only the token's last characters after creation.
      secrets: [{
        id: `${directory.id}_secret`, directoryId: directory.id, status: SecretStatus.ACTIVE,
        secretSuffix: directory.bearerToken.slice(-4), createTime: timestampFromDate(new Date(directory.createdAt)),
      }],
      stats: {
        totalUsers: snapshot.users.length,
        totalGroups: snapshot.groups.length,
        userUpdatedAt: lastUserChange ? timestampFromDate(new Date(lastUserChange)) : undefined,
        groupUpdatedAt: lastGroupChange ? timestampFromDate(new Date(lastGroupChange)) : undefined,
      },
      status: directory.enabled ? 'COMPLETED' : 'DRAFT',
    };
  };

  const groupProto = (group: DirectoryGroup, detail: boolean): MessageInitShape<typeof DirectoryGroupSchema> => ({
    id: group.id,
    displayName: group.displayName,
    totalUsers: state.memberCount(group.organizationId, group.id),
    updatedAt: timestampFromDate(new Date(group.updatedAt)),
    groupDetail: detail ? (state.groupData(group) as JsonObject) : undefined,
  });

  const userProto = (user: DirectoryUser, groups: Map<string, DirectoryGroup>, detail: boolean): MessageInitShape<typeof DirectoryUserSchema> => ({
    id: user.id,
    email: user.email,
    preferredUsername: user.preferredUsername,
    givenName: user.givenName,
    familyName: user.familyName,
    updatedAt: timestampFromDate(new Date(user.updatedAt)),
    emails: [user.email],
    groups: user.groupIds.flatMap((id) => {
      const group = groups.get(id);
      return group ? [groupProto(group, false)] : [];
    }),
    // The SDK's DirectoryUser has no `active`: status lives in user_detail, which carries the webhook's data shape.
    userDetail: detail ? (state.userData(user) as JsonObject) : undefined,
  });

  return {
    listDirectories(req) {
      return guard(() => {
        const directory = state.findDirectory(requireText(req.organizationId, 'organization_id'));
        return { directories: directory ? [directoryProto(directory)] : [] };
      });
    },

    getDirectory(req) {
      return guard(() => {
        const directory = state.findDirectory(requireText(req.organizationId, 'organization_id'));
        if (!directory || directory.id !== req.id) throw new DirectoryError('not_found', 'no such directory in this organization', 'directory');
        return { directory: directoryProto(directory) };
      });
    },

    listDirectoryUsers(req) {
      return guard(() => {
        const organizationId = requireText(req.organizationId, 'organization_id');
        const users = state.listUsers(organizationId, requireText(req.directoryId, 'directory_id'), {
          groupId: req.directoryGroupId || undefined,
          updatedAfter: dateOf(req.updatedAfter),
        });
        const groups = new Map(state.snapshot(organizationId)!.groups.map((g) => [g.id, g]));
        const result = page(users, req.pageSize, req.pageToken, USER_PAGE);
        return {
          users: result.items.map((user) => userProto(user, groups, req.includeDetail === true)),
          totalSize: result.totalSize,
          nextPageToken: result.nextPageToken,
          prevPageToken: result.prevPageToken,
        };
      });
    },

    listDirectoryGroups(req) {
      return guard(() => {
        const groups = state.listGroups(requireText(req.organizationId, 'organization_id'), requireText(req.directoryId, 'directory_id'), {
          updatedAfter: dateOf(req.updatedAfter),
        });
        const result = page(groups, req.pageSize, req.pageToken, GROUP_PAGE);
        return {
          groups: result.items.map((group) => groupProto(group, req.includeDetail === true)),
          totalSize: result.totalSize,
          nextPageToken: result.nextPageToken,
          prevPageToken: result.prevPageToken,
        };
      });
    },

    enableDirectory(req) {
      return guard(() => toggle(req.organizationId, req.id, true));
    },

    disableDirectory(req) {
      return guard(() => toggle(req.organizationId, req.id, false));
    },
  };

  function toggle(organizationId: string, id: string, enabled: boolean) {
    const directory = state.findDirectory(requireText(organizationId, 'organization_id'));
    if (!directory || directory.id !== id) throw new DirectoryError('not_found', 'no such directory in this organization', 'directory');
    setEnabled(organizationId, enabled);
    return { enabled: state.findDirectory(organizationId)!.enabled };
  }
}

function latest(isoTimes: string[]): string | undefined {
  return isoTimes.reduce<string | undefined>((max, t) => (max === undefined || t > max ? t : max), undefined);
}
