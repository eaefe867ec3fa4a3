// server/http/route-error.ts: every failure the SDK can produce, built by the SDK itself (ScalekitServerException.promote
// over real ConnectErrors, real AxiosErrors), mapped onto the token endpoint's table; and log lines redacted.
// (axios is the SDK's own dependency, imported here only to build the errors it throws.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { ScalekitServerException } from '@scalekit-sdk/node';
import { AxiosError } from 'axios';
import { HTTPException } from 'hono/http-exception';
import { fromHttpException } from '../../../server/http/route-error.js';
import { describeError, redact } from '../../../server/http/log-safe.js';
import { fromUpstreamError } from '../../../server/scalekit/upstream-errors.js';

const promoted = (code: Code) => ScalekitServerException.promote(new ConnectError('upstream said no', code));

describe('fromUpstreamError(): SDK exceptions by gRPC status', () => {
  const table: Array<[Code, string, number]> = [
    [Code.NotFound, 'organization_not_found', 404],
    [Code.Unauthenticated, 'upstream_auth_failed', 502],
    [Code.PermissionDenied, 'upstream_auth_failed', 502],
    [Code.ResourceExhausted, 'rate_limited', 429],
    [Code.Unavailable, 'upstream_unavailable', 503],
    [Code.DeadlineExceeded, 'upstream_timeout', 504],
    [Code.Internal, 'internal', 500],
    [Code.Unknown, 'internal', 500],
    [Code.InvalidArgument, 'internal', 500],
    [Code.Unimplemented, 'internal', 500],
    [Code.DataLoss, 'internal', 500],
  ];
  for (const [grpc, code, status] of table) {
    it(`${Code[grpc]} → ${status} ${code}`, () => {
      const error = promoted(grpc);
      const mapped = fromUpstreamError(error);
      assert.equal(mapped.code, code);
      assert.equal(mapped.status, status);
      assert.equal(mapped.cause, error);
      assert.ok(!mapped.message.includes('upstream said no'), 'upstream text never reaches the caller');
    });
  }

  it('puts Retry-After on an upstream rate limit', () => {
    assert.match(fromUpstreamError(promoted(Code.ResourceExhausted)).headers['Retry-After'] ?? '', /^\d+$/);
  });
});

describe('fromUpstreamError(): the token request (raw AxiosError) and sockets', () => {
  const withStatus = (status: number) =>
    new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', undefined, undefined, {
      status,
      statusText: '',
      data: {},
      headers: {},
      config: { headers: {} } as never,
    });

  it('maps token endpoint statuses', () => {
    assert.equal(fromUpstreamError(withStatus(401)).code, 'upstream_auth_failed');
    assert.equal(fromUpstreamError(withStatus(400)).code, 'upstream_auth_failed');
    assert.equal(fromUpstreamError(withStatus(403)).code, 'upstream_auth_failed');
    assert.equal(fromUpstreamError(withStatus(429)).code, 'rate_limited');
    assert.equal(fromUpstreamError(withStatus(500)).code, 'upstream_unavailable');
    assert.equal(fromUpstreamError(withStatus(503)).code, 'upstream_unavailable');
    assert.equal(fromUpstreamError(withStatus(504)).code, 'upstream_timeout');
    assert.equal(fromUpstreamError(withStatus(404)).code, 'internal');
  });

  it('maps socket failures and timeouts', () => {
    assert.equal(fromUpstreamError(new AxiosError('timeout of 1000ms exceeded', 'ECONNABORTED')).code, 'upstream_timeout');
    assert.equal(fromUpstreamError(new AxiosError('timeout', 'ETIMEDOUT')).code, 'upstream_timeout');
    assert.equal(fromUpstreamError(new AxiosError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')).code, 'upstream_unavailable');
    assert.equal(fromUpstreamError(new AxiosError('getaddrinfo ENOTFOUND x.invalid', 'ENOTFOUND')).code, 'upstream_unavailable');
    const socket = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.equal(fromUpstreamError(socket).code, 'upstream_unavailable');
    assert.equal(fromUpstreamError(new DOMException('The operation timed out', 'TimeoutError')).code, 'upstream_timeout');
  });

  it('calls anything unrecognised internal', () => {
    for (const thing of [new Error('boom'), 'a string', null, undefined, 42, { code: 7 }, Object.create(null)]) {
      assert.equal(fromUpstreamError(thing).code, 'internal');
    }
  });
});

describe('fromHttpException(): what authorize may throw', () => {
  it('maps statuses onto the table', () => {
    assert.equal(fromHttpException(new HTTPException(401)).code, 'unauthenticated');
    assert.equal(fromHttpException(new HTTPException(403, { message: 'nope: org_secret' })).code, 'forbidden');
    assert.ok(!fromHttpException(new HTTPException(403, { message: 'nope: org_secret' })).message.includes('org_secret'));
    assert.equal(fromHttpException(new HTTPException(429)).headers['Retry-After'] !== undefined, true);
    assert.equal(fromHttpException(new HTTPException(418 as never)).code, 'internal');
    assert.equal(fromHttpException(new HTTPException(500)).code, 'internal');
  });
});

describe('describeError() / redact(): log lines without secrets', () => {
  it('redacts bearer tokens, portal links and secret-looking pairs', () => {
    const line = redact(
      'failed: authorization: Bearer eyJhbGciOi.abc.def at https://acme.scalekit.dev/magicLink/1f0c-uuid?x=1 ' +
        'body client_secret=sk_live_123&grant_type=x {"access_token":"tok_456"} password: hunter2',
    );
    for (const secret of ['eyJhbGciOi', '1f0c-uuid', 'sk_live_123', 'tok_456', 'hunter2']) assert.ok(!line.includes(secret), line);
    assert.match(line, /Bearer \[redacted\]/);
    assert.match(line, /\[portal link redacted\]/);
  });

  it('names class, status and code, follows causes, and never dumps the object', () => {
    const axios = new AxiosError('Request failed with status code 401', 'ERR_BAD_REQUEST', undefined, undefined, {
      status: 401, statusText: 'Unauthorized', data: { client_secret: 'sk_live_789' }, headers: {}, config: { headers: {} } as never,
    });
    const line = describeError(new Error('wrapper', { cause: axios }));
    assert.match(line, /^Error: wrapper <- AxiosError \(http=401 code=ERR_BAD_REQUEST\)/);
    assert.ok(!line.includes('sk_live_789'));
    assert.match(describeError(promoted(Code.NotFound)), /ScalekitNotFoundException \(grpc=5\)/);
    assert.equal(describeError('client_secret=abc'), 'client_secret=[redacted]');
    assert.ok(describeError(new Error('x'.repeat(10_000))).length < 400);
  });
});
