// Northwind's roles come from the customer's directory: the groups a member is in decide what they may do, so
// moving someone between groups in the identity provider changes their role here too.

/** Group-name patterns, strongest role first; a member in none of them is a Member. */
const ROLE_BY_GROUP: ReadonlyArray<readonly [RegExp, string]> = [
  [/\badmin/i, 'Administrator'],
  [/\b(manager|lead)s?\b/i, 'Manager'],
];

export function roleOf(groups: readonly string[]): string {
  for (const [pattern, role] of ROLE_BY_GROUP) if (groups.some((group) => pattern.test(group))) return role;
  return 'Member';
}
