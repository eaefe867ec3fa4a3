// Test helper: change an organization's settings the way its admin does, through the emulator portal page's
// own JSON API (a real link, a real portal session), without a browser.
import assert from 'node:assert/strict';
import { Scalekit } from '@scalekit-sdk/node';
import type { Emulator } from '../../src/index.js';

/** Opens a fresh portal link for the organization and returns the page's session token. */
export async function portalSession(emulator: Emulator, organizationId: string): Promise<string> {
  const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  const link = await scalekit.organization.generatePortalLink(organizationId);
  const html = await (await fetch(link.location)).text();
  const config = /<script type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html);
  assert.ok(config, 'the portal page carries its configuration block');
  return JSON.parse(config[1]!).sessionToken as string;
}

/** POST /portal/api/{sso|directory} as the portal page's script does. */
export async function portalApi(emulator: Emulator, token: string, section: 'sso' | 'directory', body: unknown): Promise<void> {
  const response = await fetch(`${emulator.url}/portal/api/${section}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-portal-session': token },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `portal ${section} answered ${response.status}`);
}
