// Injected failures and latency for tests and demos: the next N token requests or RPCs fail, or
// everything upstream-facing answers slowly. Validation throws so a typo in a test fails loudly.
import { Code } from '@connectrpc/connect';
import type { EmulatorFaults, GrpcCodeName } from './types.js';
import { checkDomainName } from './domains/domain-name.js';

const CODES: Record<GrpcCodeName, Code> = {
  cancelled: Code.Canceled,
  unknown: Code.Unknown,
  invalid_argument: Code.InvalidArgument,
  deadline_exceeded: Code.DeadlineExceeded,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  permission_denied: Code.PermissionDenied,
  resource_exhausted: Code.ResourceExhausted,
  failed_precondition: Code.FailedPrecondition,
  aborted: Code.Aborted,
  out_of_range: Code.OutOfRange,
  unimplemented: Code.Unimplemented,
  internal: Code.Internal,
  unavailable: Code.Unavailable,
  data_loss: Code.DataLoss,
  unauthenticated: Code.Unauthenticated,
};

export const GRPC_CODE_NAMES = Object.keys(CODES) as GrpcCodeName[];
export const MAX_FAULT_COUNT = 1000;
export const MAX_LATENCY_MS = 120_000;
/** Domains that may have failing DNS checks at once. */
export const MAX_DNS_FAULTS = 100;

function checkCount(count: unknown): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_FAULT_COUNT) {
    throw new RangeError(`count must be an integer 0-${MAX_FAULT_COUNT}`);
  }
  return count;
}

interface RpcFault {
  remaining: number;
  code: Code;
  method: string | null;
}

export class Faults implements EmulatorFaults {
  private tokenFault: { remaining: number; status: number } | null = null;
  private rpcFaults: RpcFault[] = [];
  /** Domain → how many of its next simulated DNS checks fail. */
  private dnsFaults = new Map<string, number>();
  latencyMs = 0;

  /** @param knownMethods names of the RPC methods served (e.g. `GeneratePortalLink`), to reject typos. */
  constructor(private readonly knownMethods: () => ReadonlySet<string>) {}

  failTokenRequests(count: number, status: number): void {
    const n = checkCount(count);
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError('status must be an HTTP error status 400-599');
    }
    this.tokenFault = n === 0 ? null : { remaining: n, status };
  }

  failRpcs(count: number, code: string, method?: string): void {
    const n = checkCount(count);
    if (typeof code !== 'string' || !Object.hasOwn(CODES, code)) {
      throw new RangeError(`code must be one of ${GRPC_CODE_NAMES.join(', ')}`);
    }
    if (method !== undefined && (typeof method !== 'string' || !this.knownMethods().has(method))) {
      throw new RangeError(`method must be one of ${[...this.knownMethods()].sort().join(', ')}`);
    }
    if (n > 0) this.rpcFaults.push({ remaining: n, code: CODES[code as GrpcCodeName], method: method ?? null });
  }

  setLatency(ms: number): void {
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) {
      throw new RangeError(`latency must be an integer 0-${MAX_LATENCY_MS} ms`);
    }
    this.latencyMs = ms;
  }

  failDnsChecks(domain: string, count = 1): void {
    const n = checkCount(count);
    // Public mail domains pass: they can never be claimed, so a fault for one is harmless, not a typo.
    const checked = checkDomainName(domain);
    const canonical = 'domain' in checked ? checked.domain : checked.problem === 'public' ? String(domain).trim().toLowerCase().replace(/\.$/, '') : null;
    if (canonical === null) throw new RangeError('domain must be a DNS name such as acme.com');
    if (n === 0) this.dnsFaults.delete(canonical);
    else if (!this.dnsFaults.has(canonical) && this.dnsFaults.size >= MAX_DNS_FAULTS) {
      throw new RangeError(`at most ${MAX_DNS_FAULTS} domains can have failing DNS checks`);
    } else this.dnsFaults.set(canonical, n);
  }

  /** Consumes one DNS-check fault for `domain` (canonical form); true when this check must fail. */
  takeDnsCheckFault(domain: string): boolean {
    const remaining = this.dnsFaults.get(domain) ?? 0;
    if (remaining === 0) return false;
    if (remaining === 1) this.dnsFaults.delete(domain);
    else this.dnsFaults.set(domain, remaining - 1);
    return true;
  }

  clear(): void {
    this.tokenFault = null;
    this.rpcFaults = [];
    this.dnsFaults.clear();
    this.latencyMs = 0;
  }

  /** Consumes one token fault; returns the HTTP status to answer with, or null to proceed. */
  takeTokenFault(): number | null {
    const fault = this.tokenFault;
    if (!fault) return null;
    if (--fault.remaining <= 0) this.tokenFault = null;
    return fault.status;
  }

  /** Consumes one RPC fault for `method`; returns the gRPC code to fail with, or null to proceed. */
  takeRpcFault(method: string): Code | null {
    const index = this.rpcFaults.findIndex((f) => f.method === null || f.method === method);
    if (index === -1) return null;
    const fault = this.rpcFaults[index]!;
    if (--fault.remaining <= 0) this.rpcFaults.splice(index, 1);
    return fault.code;
  }
}
