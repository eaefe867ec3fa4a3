// What Northwind's server answers and its pages read: one set of types for both sides (the pages import them
// as types only, so nothing of the server reaches the browser bundle).

/** The checks of "Verify provisioning and run test sync", plus the two connections before them. */
export const ONBOARDING_STEPS = [
  'sso_connected',
  'directory_connected',
  'user_provisioned',
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
