// What Northwind's server answers and its pages read: one set of types for both sides (the pages import them
// as types only, so nothing of the server reaches the browser bundle).

/**
 * The checks of "Verify provisioning and run test sync", plus the two connections before them and a real SSO
 * sign-in: `access_revoked` ticks only when the directory's deactivation took effect on a person who had signed
 * in (their session ended) or who tried to (refused at sign-in).
 */
export const ONBOARDING_STEPS = [
  'sso_connected',
  'directory_connected',
  'user_provisioned',
  'sso_signed_in',
  'change_propagated',
  'access_revoked',
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export interface Customer {
  /** Northwind's own tenant id: the organization's external id in Scalekit. */
  externalId: string;
  name: string;
  organizationId: string;
  createdAt: string;
}

export interface Member {
  /** The directory user id (`diruser_…`): members are keyed on it within their organization, never on email. */
  id: string;
  email: string;
  name: string;
  givenName?: string;
  familyName?: string;
  /** Group names. */
  groups: string[];
  /** False once the identity provider deactivated the user: the host must refuse them access. */
  active: boolean;
  /** ISO 8601: when the change that produced this record happened. */
  updatedAt: string;
}

/** The route's body. Providers and types are the SDK's enum names (`OKTA`, `SAML`), as portal events carry them. */
export interface DemoConfiguration {
  sso: { provider: string; type: string; enabled: boolean } | null;
  directory: { provider: string; type: string; enabled: boolean } | null;
}

/** One row of the customers table. */
export interface CustomerView extends Customer {
  sso: DemoConfiguration['sso'];
  directory: DemoConfiguration['directory'];
  /** False when Scalekit could not be read for this customer (then sso and directory are null). */
  scalekitRead: boolean;
  members: { total: number; active: number };
  /** Step → when it was first completed (absent: not yet). */
  progress: Partial<Record<OnboardingStep, string>>;
}

export interface DemoOrganization {
  id: string;
  displayName: string;
}

export interface DemoSession {
  organizationId: string | null;
  organizations: DemoOrganization[];
  mode: 'emulator' | 'scalekit';
  environmentOrigin: string;
}

/** What the sign-in page says, when a sign-in could not go on (set by the server on the page it answers). */
export type SignInNotice =
  | 'invalid_email'
  | 'domain_not_verified'
  | 'sso_not_enabled'
  | 'not_provisioned'
  | 'deactivated'
  | 'sso_failed'
  | 'sso_state_invalid'
  | 'unavailable'
  | 'ended_by_directory';

/** `GET /api/employee/me`: the signed-in member of a customer organization, as the workspace page shows them. */
export interface EmployeeProfile {
  name: string;
  email: string;
  groups: string[];
  /** Northwind's role, from the member's directory groups. */
  role: string;
  organization: { id: string; name: string };
}
