// Scalekit's REST API (`/api/v1/…`): the OrganizationService and DomainService methods' own google.api.http routes, answered by
// the very handlers the gRPC side uses, so both protocols read and change one state. Shapes follow
// grpc-gateway as Scalekit runs it: snake_case JSON (proto field names), RFC 3339 timestamps, enum names,
// errors `{ code, message, details: [ErrorInfo] }` with the HTTP status grpc-gateway maps each code to.
import { Code, ConnectError } from '@connectrpc/connect';
import { create, fromJson, toJson, type DescField, type DescMessage, type DescMethod, type JsonObject } from '@bufbuild/protobuf';
import type { Context, Hono } from 'hono';
import { ErrorInfoSchema } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';
import { OrganizationService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { DomainService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/domains/domains_pb.js';
import type { DescService } from '@bufbuild/protobuf';
import { limitBody } from '../body-limit.js';
import type { GrpcContext } from '../grpc/context.js';
import { organizationService, EXTRA_FEATURES_KEY, REST_ONLY_FEATURES } from '../grpc/organizations.js';
import { domainService } from '../grpc/domains.js';
import { notServedMessage } from '../unknown-routes.js';
import { BEARER_TOKEN } from './bearer.js';

export const REST_BASE = '/api/v1';
const MAX_BODY = 64 * 1024;
const ERROR_INFO_TYPE = `type.googleapis.com/${ErrorInfoSchema.typeName}`;

/** grpc-gateway's HTTPStatusFromCode. */
const HTTP_STATUS: Record<Code, number> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** `NOT_FOUND` from Code.NotFound: the name an ErrorInfo carries when the handler gave none. */
function codeName(code: Code): string {
  return Code[code]!.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

interface RestRoute {
  service: DescService;
  verb: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /api/v1 with `{field}` segments. */
  path: string;
  rpc: string;
  /** google.api.http `body`: none (query parameters only), `*`, or the request field the body fills. */
  body: 'none' | '*' | string;
}

const ORG = OrganizationService;
const DOM = DomainService;
// Read from the `google.api.http` options in the SDK's OrganizationService and DomainService descriptors. The
// first route that matches both path and verb answers, so `…/domains/{id}:verify` comes before `…/domains/{id}`.
const ROUTES: readonly RestRoute[] = [
  { service: ORG, verb: 'POST', path: '/organizations', rpc: 'CreateOrganization', body: 'organization' },
  { service: ORG, verb: 'GET', path: '/organizations', rpc: 'ListOrganization', body: 'none' },
  { service: ORG, verb: 'GET', path: '/organizations:external/{external_id}', rpc: 'GetOrganizationByExternalId', body: 'none' },
  { service: ORG, verb: 'GET', path: '/organizations/{id}', rpc: 'GetOrganization', body: 'none' },
  { service: ORG, verb: 'PATCH', path: '/organizations/{id}', rpc: 'UpdateOrganization', body: 'organization' },
  { service: ORG, verb: 'DELETE', path: '/organizations/{id}', rpc: 'DeleteOrganization', body: 'none' },
  { service: ORG, verb: 'PATCH', path: '/organizations/{id}/settings', rpc: 'UpdateOrganizationSettings', body: 'settings' },
  { service: ORG, verb: 'PUT', path: '/organizations/{id}/portal_links', rpc: 'GeneratePortalLink', body: 'none' },
  { service: ORG, verb: 'GET', path: '/organizations/{id}/portal_links', rpc: 'GetPortalLinks', body: 'none' },
  { service: ORG, verb: 'DELETE', path: '/organizations/{id}/portal_links', rpc: 'DeletePortalLink', body: 'none' },
  { service: ORG, verb: 'DELETE', path: '/organizations/{id}/portal_links/{link_id}', rpc: 'DeletePortalLinkByID', body: 'none' },
  { service: DOM, verb: 'POST', path: '/organizations/{organization_id}/domains', rpc: 'CreateDomain', body: 'domain' },
  { service: DOM, verb: 'GET', path: '/organizations/{organization_id}/domains', rpc: 'ListDomains', body: 'none' },
  { service: DOM, verb: 'PATCH', path: '/organizations/{organization_id}/domains/{id}:verify', rpc: 'VerifyDomain', body: 'none' },
  { service: DOM, verb: 'GET', path: '/organizations/{organization_id}/domains/{id}', rpc: 'GetDomain', body: 'none' },
  { service: DOM, verb: 'PATCH', path: '/organizations/{organization_id}/domains/{id}', rpc: 'UpdateDomain', body: 'domain' },
  { service: DOM, verb: 'DELETE', path: '/organizations/{organization_id}/domains/{id}', rpc: 'DeleteDomain', body: 'none' },
];

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  params: string[];
  method: DescMethod;
}

function compile(route: RestRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const param = /^\{([a-z_]+)\}$/.exec(part)?.[1];
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('');
  const method = route.service.methods.find((m) => m.name === route.rpc);
  if (!method) throw new Error(`${route.service.name} has no ${route.rpc}`);
  return { ...route, pattern: new RegExp(`^${source}$`), params, method };
}

const COMPILED = ROUTES.map(compile);

/** The RPC method names the REST routes count under in stats, the same as their gRPC twins. */
export const REST_METHODS = ROUTES.map((r) => r.rpc);

class RestError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

function errorBody(code: Code, message: string, details: JsonObject[]) {
  return { code: code as number, message, details };
}

function detailsOf(error: ConnectError): JsonObject[] {
  const details: JsonObject[] = [];
  for (const detail of error.details) {
    if ('desc' in detail && detail.desc.typeName === ErrorInfoSchema.typeName) {
      const json = toJson(ErrorInfoSchema, create(ErrorInfoSchema, detail.value as never), { useProtoFieldName: true }) as JsonObject;
      details.push({ '@type': ERROR_INFO_TYPE, ...json });
    }
  }
  if (details.length === 0) details.push({ '@type': ERROR_INFO_TYPE, error_code: codeName(error.code) });
  return details;
}

function answerError(c: Context, error: unknown): Response {
  if (error instanceof RestError) {
    const details = [{ '@type': ERROR_INFO_TYPE, error_code: error.errorCode ?? codeName(error.code) }];
    return c.json(errorBody(error.code, error.message, details), HTTP_STATUS[error.code] as 400);
  }
  const connect = ConnectError.from(error);
  if (connect.code === Code.Internal || connect.code === Code.Unknown) {
    if (!(error instanceof ConnectError)) console.error(`[emulator] REST ${c.req.method} ${new URL(c.req.url).pathname}: ${connect.rawMessage}`);
  }
  return c.json(errorBody(connect.code, connect.rawMessage, detailsOf(connect)), HTTP_STATUS[connect.code] as 400);
}

function fieldByName(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name || f.jsonName === name);
}

/** A query-string value as the JSON protobuf-es expects for the field (grpc-gateway's query parameter rules). */
function queryValue(field: DescField, value: string): unknown {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
  if (kind === 'enum') return /^-?\d{1,10}$/.test(value) ? Number(value) : value;
  if (kind === 'scalar') {
    const scalar = field.scalar;
    // ScalarType.BOOL is 8.
    if (scalar === 8) {
      if (value === 'true' || value === 'false') return value === 'true';
      throw new RestError(Code.InvalidArgument, `${field.name} must be true or false`);
    }
    return value;
  }
  throw new RestError(Code.InvalidArgument, `${field.name} cannot be set from the query string`);
}

function fromQuery(input: DescMessage, query: URLSearchParams, json: Record<string, unknown>): void {
  for (const key of new Set(query.keys())) {
    const field = fieldByName(input, key);
    if (!field) continue; // grpc-gateway ignores parameters the request has no field for
    const values = query.getAll(key);
    json[field.name] = field.fieldKind === 'list' ? values.map((v) => queryValue(field, v)) : queryValue(field, values.at(-1)!);
  }
}

async function readBody(c: Context, required: boolean): Promise<Record<string, unknown> | null> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (required) throw new RestError(Code.InvalidArgument, 'a JSON body is required');
    return null;
  }
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new RestError(Code.InvalidArgument, 'expected Content-Type: application/json', 'UNSUPPORTED_MEDIA_TYPE');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RestError(Code.InvalidArgument, 'body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RestError(Code.InvalidArgument, 'body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * Drops fields the request has no field for, at every depth (grpc-gateway discards unknown JSON fields), so the
 * strict decode that follows still refuses wrong types and unknown enum values.
 */
function pruneUnknown(message: DescMessage, json: Record<string, unknown>): Record<string, unknown> {
  if (message.typeName.startsWith('google.protobuf.')) return json; // well-known types have their own JSON forms
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = fieldByName(message, key);
    if (!field) continue;
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (field.fieldKind === 'message' && isObject(value)) out[key] = pruneUnknown(field.message, value);
    else if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
      out[key] = value.map((v) => (isObject(v) ? pruneUnknown(field.message, v) : v));
    } else if (field.fieldKind === 'map' && field.mapKind === 'message' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? pruneUnknown(field.message, v) : v]));
    } else out[key] = value;
  }
  return out;
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new RestError(Code.InvalidArgument, 'path segment is not valid percent-encoding');
  }
}

export interface RestDeps extends GrpcContext {
  /** Checks the bearer token the same way the gRPC edge does. */
  knownToken: (token: string) => boolean;
}

export function mountRest(app: Hono, deps: RestDeps): void {
  type Handlers = Record<string, ((req: unknown, ctx: unknown) => unknown) | undefined>;
  const impls = new Map<DescService, Handlers>([
    [OrganizationService, organizationService(deps) as Handlers],
    [DomainService, domainService(deps) as Handlers],
  ]);

  app.use(`${REST_BASE}/*`, limitBody(MAX_BODY, (c) => c.json(errorBody(Code.InvalidArgument, `body over ${MAX_BODY / 1024} KiB`, []), 413)));
  app.all(`${REST_BASE}/*`, async (c) => {
    c.header('Cache-Control', 'no-store');
    const path = new URL(c.req.url).pathname.slice(REST_BASE.length);
    const matching = COMPILED.filter((r) => r.pattern.test(path));
    if (matching.length === 0) {
      const route = deps.unknownRoutes.record(c.req.method, new URL(c.req.url).pathname, '404');
      return c.json(errorBody(Code.NotFound, notServedMessage(route), []), 404);
    }
    const verb = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const route = matching.find((r) => r.verb === verb && r.pattern.test(path));
    if (!route) {
      c.header('Allow', [...new Set(matching.map((r) => r.verb))].join(', '));
      return c.json(errorBody(Code.Unimplemented, 'Method Not Allowed', []), 405);
    }

    // The same edge as gRPC: count the attempt, wait out injected latency, fail injected faults, demand a token.
    const rpc = route.method.name;
    deps.state.countRpc(rpc);
    try {
      await deps.timers.delay(deps.faults.latencyMs, c.req.raw.signal);
      const injected = deps.faults.takeRpcFault(rpc);
      if (injected !== null) throw new ConnectError('injected fault', injected);
      const token = BEARER_TOKEN.exec(c.req.header('authorization') ?? '')?.[1];
      if (!token || !deps.knownToken(token)) throw new RestError(Code.Unauthenticated, 'missing or unknown access token', 'UNAUTHENTICATED');

      const handler = impls.get(route.service)?.[route.method.localName];
      if (!handler) {
        deps.unknownRoutes.record(c.req.method, new URL(c.req.url).pathname, '501');
        throw new RestError(Code.Unimplemented, `${rpc} is not implemented by the emulator`, 'UNIMPLEMENTED');
      }

      const json: Record<string, unknown> = {};
      const input = route.method.input;
      if (route.body === 'none') {
        fromQuery(input, new URL(c.req.url).searchParams, json);
        // The REST shape of a body-less PUT is not certain from public docs: a JSON body is accepted as well.
        Object.assign(json, await readBody(c, false));
      } else {
        const body = await readBody(c, true);
        if (route.body === '*') Object.assign(json, body);
        else {
          // Accept both the bare message and the gRPC request shape that wraps it (`{ organization: {…} }`).
          const inner = body![route.body];
          const wrapped = Object.keys(body!).length === 1 && typeof inner === 'object' && inner !== null && !Array.isArray(inner);
          json[route.body] = wrapped ? inner : body;
        }
      }
      route.params.forEach((name, i) => {
        json[name] = decodeSegment(route.pattern.exec(path)![i + 1]!);
      });

      // Portal features the SDK's Feature enum has no number for travel by name on REST only.
      const extraFeatures = route.rpc === 'GeneratePortalLink' ? takeRestOnlyFeatures(json) : [];
      let request;
      try {
        request = fromJson(input, pruneUnknown(input, json) as JsonObject);
      } catch (error) {
        throw new RestError(Code.InvalidArgument, (error as Error).message.slice(0, 300));
      }
      const result = await handler(request, { signal: c.req.raw.signal, requestHeader: c.req.raw.headers, [EXTRA_FEATURES_KEY]: extraFeatures });
      const output = create(route.method.output, (result ?? {}) as never);
      return c.json(toJson(route.method.output, output, { useProtoFieldName: true, alwaysEmitImplicit: true }) as JsonObject);
    } catch (error) {
      if (c.req.raw.signal.aborted) return c.body(null, 499 as 400);
      return answerError(c, error);
    }
  });
}

/** Removes the feature names only REST can carry from a GeneratePortalLink request and returns them. */
function takeRestOnlyFeatures(json: Record<string, unknown>): string[] {
  if (!Array.isArray(json.features)) return [];
  const extra = json.features.filter((f): f is string => typeof f === 'string' && (REST_ONLY_FEATURES as readonly string[]).includes(f));
  json.features = json.features.filter((f) => !extra.includes(f as string));
  return [...new Set(extra)];
}
