// Injected failures and latency for tests and demos: the next N token requests or RPCs fail, or
// everything upstream-facing answers slowly. Validation throws so a typo in a test fails loudly.
import { Code } from '@connectrpc/connect';
import type { EmulatorFaults, GrpcCodeName } from './types.js';

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

  clear(): void {
    this.tokenFault = null;
    this.rpcFaults = [];
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
