// Test helpers: reach the SDK's own generated OrganizationService client (the one the token endpoint's
// feature-scoping adapter uses), and a raw gRPC client for requests the SDK would never send.
import type { Scalekit } from '@scalekit-sdk/node';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { OrganizationService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';

type Exec = <I, O>(fn: (input: I) => Promise<O>, data: I) => Promise<O>;

export function sdkOrganizationClient(scalekit: Scalekit): { client: Client<typeof OrganizationService>; exec: Exec } {
  const inner = scalekit.organization as unknown as { client: Client<typeof OrganizationService>; coreClient: { connectExec: Exec } };
  if (!inner.client || typeof inner.coreClient?.connectExec !== 'function') throw new Error('SDK internals changed');
  return { client: inner.client, exec: inner.coreClient.connectExec.bind(inner.coreClient) as Exec };
}

/** A raw gRPC client that sends `authorization` exactly as given (or not at all). */
export function rawOrganizationClient(baseUrl: string, authorization?: string): Client<typeof OrganizationService> {
  const auth: Interceptor = (next) => (req) => {
    if (authorization !== undefined) req.header.set('authorization', authorization);
    return next(req);
  };
  return createClient(OrganizationService, createGrpcTransport({ baseUrl, interceptors: [auth] }));
}
