// The gRPC side (HTTP/2, binary protobuf), built on the service descriptors the SDK itself ships, so the
// wire format is Scalekit's by construction. All services are registered in registerServices(), the
// directory module's DirectoryService and the DomainService included.
import { Code, ConnectError, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { DescService } from '@bufbuild/protobuf';
import { OrganizationService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { DirectoryService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import { ConnectionService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import { DomainService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/domains/domains_pb.js';
import { connectionService } from './connections.js';
import { domainService } from './domains.js';
import { scalekitError } from './errors.js';
import type { GrpcContext } from './context.js';
import { organizationService } from './organizations.js';
import { notServedMessage } from '../unknown-routes.js';
import { BEARER_TOKEN } from '../rest/bearer.js';

/** The services the emulator serves; their method names are what faults may target. */
export const SERVICES: readonly DescService[] = [OrganizationService, DirectoryService, ConnectionService, DomainService];

export function registerServices(router: ConnectRouter, ctx: GrpcContext): void {
  router.service(OrganizationService, organizationService(ctx));
  router.service(ConnectionService, connectionService(ctx));
  router.service(DomainService, domainService(ctx));
  if (ctx.directory) router.service(DirectoryService, ctx.directory.service);
}

export function knownMethodNames(): Set<string> {
  return new Set(SERVICES.flatMap((s) => s.methods.map((m) => m.name)));
}

/**
 * Runs before every handler, in the order Scalekit's edge would: count the attempt, wait out injected
 * latency, fail injected faults, then demand a bearer token the emulator issued (the SDK fetches its
 * token only after an UNAUTHENTICATED answer).
 */
function edge(ctx: GrpcContext): Interceptor {
  return (next) => async (req) => {
    const method = req.method.name;
    ctx.state.countRpc(method);
    await ctx.timers.delay(ctx.faults.latencyMs, req.signal);
    const injected = ctx.faults.takeRpcFault(method);
    if (injected !== null) throw new ConnectError('injected fault', injected);
    const auth = req.header.get('authorization') ?? '';
    const token = BEARER_TOKEN.exec(auth)?.[1];
    if (!token || !ctx.state.tokens.has(token)) {
      throw scalekitError(Code.Unauthenticated, 'UNAUTHENTICATED', 'missing or unknown access token');
    }
    try {
      return await next(req);
    } catch (error) {
      // A method of a served service the emulator has no handler for: the SDK call a user needs to know is missing.
      if (error instanceof ConnectError && error.code === Code.Unimplemented) {
        ctx.unknownRoutes.record('POST', `/${req.service.typeName}/${method}`, 'UNIMPLEMENTED');
      }
      throw error;
    }
  };
}

type FallbackRequest = { url?: string; method?: string };
type FallbackResponse = { writeHead(status: number, headers: Record<string, string>): unknown; end(): unknown };

/** What Scalekit's gRPC server answers for a service or method it does not serve: a trailers-only UNIMPLEMENTED. */
function unimplemented(ctx: GrpcContext): (req: FallbackRequest, res: FallbackResponse) => void {
  return (req, res) => {
    const route = ctx.unknownRoutes.record(req.method ?? 'POST', req.url ?? '/', 'UNIMPLEMENTED');
    res.writeHead(200, {
      'content-type': 'application/grpc',
      'grpc-status': String(Code.Unimplemented),
      'grpc-message': encodeURIComponent(notServedMessage(route)),
    });
    res.end();
  };
}

export function grpcHandler(ctx: GrpcContext): ReturnType<typeof connectNodeAdapter> {
  return connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    interceptors: [edge(ctx)],
    routes: (router) => registerServices(router, ctx),
    fallback: unimplemented(ctx),
  });
}
