// scalekit.v1.domains.DomainService: the calls the SDK's `domain` client makes (create, get, list, delete) and
// VerifyDomain, over the emulator's domain registry.
import { Code, type ServiceImpl } from '@connectrpc/connect';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  DomainType,
  VerificationMethod,
  VerificationStatus,
  type DomainSchema,
  type DomainService,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/domains/domains_pb.js';
import { scalekitError } from './errors.js';
import type { GrpcContext } from './context.js';
import { DomainError, domainRegistryOf, verificationMethod, type DomainRegistry } from '../domains/domain-registry.js';
import type { DomainRecord } from '../state.js';

/** Scalekit's gRPC code and ErrorInfo code for each refusal (400s for bad claims, as its API reference lists them). */
const ERRORS: Record<DomainError['code'], [Code, string]> = {
  invalid_domain: [Code.InvalidArgument, 'INVALID_DOMAIN'],
  public_domain: [Code.InvalidArgument, 'PUBLIC_DOMAIN_NOT_ALLOWED'],
  domain_taken: [Code.InvalidArgument, 'DOMAIN_ALREADY_EXISTS'],
  limit_exceeded: [Code.InvalidArgument, 'DOMAIN_LIMIT_EXCEEDED'],
  invalid_request: [Code.InvalidArgument, 'INVALID_ARGUMENT'],
  organization_not_found: [Code.NotFound, 'ORGANIZATION_NOT_FOUND'],
  domain_not_found: [Code.NotFound, 'DOMAIN_NOT_FOUND'],
};

export function domainToProto(record: DomainRecord, organizationId: string, environmentId: string): MessageInitShape<typeof DomainSchema> {
  return {
    id: record.id,
    domain: record.domain,
    environmentId,
    organizationId,
    txtRecordKey: record.txtRecordKey,
    txtRecordSecret: record.txtRecordSecret,
    verificationStatus: VerificationStatus[record.status],
    createTime: timestampFromDate(record.createdAt),
    updateTime: timestampFromDate(record.updatedAt),
    domainType: DomainType[record.type],
    verificationMethod: VerificationMethod[verificationMethod(record)],
  };
}

function translated<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const [code, errorCode] = ERRORS[error.code];
    throw scalekitError(code, errorCode, error.message);
  }
}

type Identities = { case: 'organizationId' | 'externalId' | undefined; value?: string };

export function domainService(ctx: GrpcContext): Partial<ServiceImpl<typeof DomainService>> {
  const registry = (): DomainRegistry => domainRegistryOf(ctx.state);
  const environmentId = () => ctx.directory?.state.environmentId ?? 'env_emulator';

  // The SDK names the organization by id; an external id is looked up the same way Scalekit resolves it.
  const organizationId = (identities: Identities): string => {
    if (identities.case === 'externalId') {
      const org = [...ctx.state.organizations.values()].find((o) => o.externalId !== undefined && o.externalId === identities.value);
      if (!org) throw new DomainError('organization_not_found', 'organization not found');
      return org.id;
    }
    if (identities.case !== 'organizationId' || !identities.value) throw new DomainError('invalid_request', 'organization id is required');
    return identities.value;
  };
  const shape = (record: DomainRecord, orgId: string) => domainToProto(record, orgId, environmentId());

  return {
    createDomain: (req) =>
      translated(() => {
        const orgId = organizationId(req.identities);
        const type = req.domain?.domainType ? DomainType[req.domain.domainType] : undefined;
        if (req.domain?.domainType && (type === undefined || type === 'DOMAIN_TYPE_UNSPECIFIED')) throw new DomainError('invalid_request', 'unknown domain type');
        const record = registry().create(orgId, req.domain?.domain ?? '', { type });
        return { domain: shape(record, orgId) };
      }),

    getDomain: (req) =>
      translated(() => {
        const orgId = organizationId(req.identities);
        return { domain: shape(registry().get(orgId, req.id), orgId) };
      }),

    listDomains: (req) =>
      translated(() => {
        const orgId = organizationId(req.identities);
        const type = req.domainType ? DomainType[req.domainType] : undefined;
        if (req.domainType && (type === undefined || type === 'DOMAIN_TYPE_UNSPECIFIED')) throw new DomainError('invalid_request', 'unknown domain type');
        const domains = registry().list(orgId, type as DomainRecord['type'] | undefined);
        return { domains: domains.map((record) => shape(record, orgId)), pageSize: domains.length, pageNumber: 1 };
      }),

    deleteDomain: (req) =>
      translated(() => {
        registry().delete(organizationId(req.identities), req.id);
        return {};
      }),

    verifyDomain: (req) =>
      translated(() => ({ verified: registry().verify(organizationId(req.identities), req.id) })),
  };
}
