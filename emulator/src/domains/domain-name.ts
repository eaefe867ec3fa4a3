// What a domain an organization may claim looks like: a registrable DNS name in ASCII (punycode for IDNs), not
// an address, and not a public mail provider's (anyone can get an address there, so it proves nothing).

/** Public and free mail providers Scalekit refuses, with their subdomains. Not exhaustive; the common ones. */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'live.com', 'msn.com',
  'yahoo.com', 'yahoo.co.uk', 'yahoo.co.in', 'ymail.com', 'rocketmail.com', 'icloud.com', 'me.com', 'mac.com',
  'aol.com', 'proton.me', 'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com',
  'zoho.com', 'zohomail.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'qq.com', '163.com', '126.com',
  'fastmail.com', 'hey.com', 'tutanota.com', 'tuta.io', 'mailinator.com', 'guerrillamail.com',
]);

const MAX_DOMAIN_LENGTH = 253;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export type DomainNameProblem = 'malformed' | 'public';

/** The canonical form (lower case, no trailing dot) of a claimable domain, or why it is not one. */
export function checkDomainName(input: unknown): { domain: string } | { problem: DomainNameProblem } {
  if (typeof input !== 'string' || input.length > MAX_DOMAIN_LENGTH + 1) return { problem: 'malformed' };
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > MAX_DOMAIN_LENGTH) return { problem: 'malformed' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || !TLD.test(labels.at(-1)!)) {
    return { problem: 'malformed' };
  }
  for (let i = 0; i < labels.length - 1; i++) {
    if (PUBLIC_MAIL_DOMAINS.has(labels.slice(i).join('.'))) return { problem: 'public' };
  }
  return { domain };
}
