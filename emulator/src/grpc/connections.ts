// scalekit.v1.connections.ConnectionService: the organization's SSO connection as the SDK's `connection`
// client reads it (listConnections / getConnection), answered from the same state the portal page changes.
import { Code, type ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ConnectionProvider,
  ConnectionStatus,
  ConnectionType,
  type ConnectionService,
  type ListConnectionSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import { scalekitError } from './errors.js';
import type { GrpcContext } from './context.js';
import type { OrganizationRecord, SsoConnection } from '../state.js';

function listEntry(org: OrganizationRecord, sso: SsoConnection): MessageInitShape<typeof ListConnectionSchema> {
  return {
    id: sso.id,
    provider: ConnectionProvider[sso.provider],
    type: ConnectionType[sso.type],
    // The portal configures a connection in one step, so there are no drafts.
    status: ConnectionStatus.COMPLETED,
    enabled: sso.enabled,
    organizationId: org.id,
    organizationName: org.displayName,
    providerKey: sso.provider,
  };
}

export function connectionService(ctx: GrpcContext): Partial<ServiceImpl<typeof ConnectionService>> {
  const { state } = ctx;

  const organization = (id: string | undefined): OrganizationRecord => {
    if (!id) throw scalekitError(Code.InvalidArgument, 'INVALID_ARGUMENT', 'organization id is required');
    const org = id.length <= 128 ? state.organizations.get(id) : undefined;
    if (!org) throw scalekitError(Code.NotFound, 'ORGANIZATION_NOT_FOUND', 'organization not found');
    return org;
  };

  return {
    listConnections(req) {
      // The SDK's listConnectionsByDomain sends only `domain`: the organization whose verified domain it is.
      if (!req.organizationId && req.domain) {
        const org = req.domain.length <= 254 ? state.organizationForDomain(req.domain) : null;
        return { connections: org?.sso ? [listEntry(org, org.sso)] : [] };
      }
      const org = organization(req.organizationId);
      return { connections: org.sso ? [listEntry(org, org.sso)] : [] };
    },

    getConnection(req) {
      const org = organization(req.organizationId);
      if (!org.sso || org.sso.id !== req.id) {
        throw scalekitError(Code.NotFound, 'CONNECTION_NOT_FOUND', 'connection not found');
      }
      const { id, provider, type, status, enabled, organizationId } = listEntry(org, org.sso);
      return { connection: { id, provider, type, status, enabled, organizationId } };
    },
  };
}
