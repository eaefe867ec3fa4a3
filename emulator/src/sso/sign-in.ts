// The end of a sign-in at the IdP: the person is remembered in this browser's IdP session, and the browser goes
// back to the app — with a single-use code (SP-initiated), or with an `idp_initiated_login` token asking the app
// to start a sign-in of its own (IdP-initiated, which Scalekit recommends apps restart as SP-initiated).
import type { Context } from 'hono';
import type { DirectoryUser } from '../directory/directory-state.js';
import { SSO_CHOICES, type OrganizationRecord, type SsoConnection } from '../state.js';
import type { SsoContext } from './context.js';
import { idpInitiatedToken } from './id-token.js';
import { renderSignInPage } from './idp-page.js';
import { currentSession, rememberSignIn } from './idp-session.js';
import { newNonce, pageHeaders, redirectToApp } from './responses.js';
import { secretId, type SignInRequest } from './sso-store.js';

/** The IdP page for a sign-in request (SP- or IdP-initiated): the request waits server-side under a fresh id. */
export function offerSignIn(
  ctx: SsoContext,
  c: Context,
  request: SignInRequest,
  target: { organization: OrganizationRecord; connection: SsoConnection },
  appOrigin: string,
): Response {
  const requestId = secretId();
  ctx.store.pending.set(requestId, request);
  const nonce = newNonce();
  pageHeaders(c, nonce, [appOrigin]);
  return c.html(
    renderSignInPage({
      nonce,
      action: `${ctx.basePath}/sso/idp/choose`,
      requestId,
      providerLabel: `${SSO_CHOICES[target.connection.choice].label} (simulated)`,
      connectionType: target.connection.type,
      organizationName: target.organization.displayName,
      appOrigin,
      users: ctx.people(target.organization.id),
      signedInUserId: currentSession(ctx, c)?.users.get(target.connection.id) ?? null,
      idpInitiated: request.kind === 'idp_initiated',
    }),
  );
}

export function completeSignIn(ctx: SsoContext, c: Context, request: SignInRequest, user: DirectoryUser): Response {
  const sid = rememberSignIn(ctx, c, request.connectionId, user.id);
  ctx.store.signIns++;
  if (request.kind === 'idp_initiated') {
    const token = idpInitiatedToken(
      { issuer: ctx.state.baseUrl(), clientId: ctx.options.clientId },
      { connectionId: request.connectionId, organizationId: request.organizationId, loginHint: user.email, relayState: request.relayState },
    );
    return redirectToApp(c, request.redirectUri, { idp_initiated_login: token });
  }
  const code = secretId();
  ctx.store.codes.set(code, { request, user, sid });
  return redirectToApp(c, request.redirectUri, { code, state: request.state });
}
