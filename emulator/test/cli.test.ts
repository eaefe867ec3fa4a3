// `npx scalekit-emulator` as a user runs it: prints URL and credentials the real SDK accepts (for this run only when
// its state folder cannot be written; cli-restarts.test.ts starts it again and again), takes organizations, verified
// domains, a webhook receiver and the framing allow-list from flags or variables and shows them in its banner, logs
// requests it does not serve to stderr, stops on SIGTERM, and refuses any malformed configuration with one line and
// exit code 1 — never a stack trace, never a secret echoed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scalekit } from '@scalekit-sdk/node';
import { runCli, tempStateDir, type CliRun } from './support/cli.js';
import { startReceiver } from './support/receiver.js';

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

async function tokenStatus(url: string, clientId: string, clientSecret: string): Promise<number> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  return (await fetch(`${url}/oauth/token`, { method: 'POST', body })).status;
}

async function started(args: string[], env: Record<string, string>): Promise<CliRun> {
  const run = runCli(args, env);
  await run.started();
  assert.ok(run.out().includes('Ctrl+C'), `not started:\n${run.out()}\n${run.err()}`);
  return run;
}

/** Resolves once stderr holds a line matching `pattern`. */
async function stderrLine(run: CliRun, pattern: RegExp): Promise<string> {
  for (;;) {
    const line = run.err().split('\n').find((l) => pattern.test(l));
    if (line) return line;
    await once(run.child.stderr!, 'data');
  }
}

describe('npx scalekit-emulator', { timeout: 600_000 }, () => {
  it('starts, prints working credentials, and stops on SIGTERM', async () => {
    const run = await started([], { EMULATOR_STATE_DIR: await tempStateDir(), EMULATOR_CLIENT_SECRET: 'sks_cli_test' });
    const url = run.value('SCALEKIT_ENVIRONMENT_URL');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(run.value('SCALEKIT_CLIENT_SECRET'), 'sks_cli_test');
    const link = await new Scalekit(url, run.value('SCALEKIT_CLIENT_ID'), 'sks_cli_test').organization.generatePortalLink('org_acme');
    assert.ok(link.location.startsWith(`${url}/magicLink/`));
    assert.equal(await run.stop(), 0);
    assert.match(run.out(), /stopped/);
    assert.equal(run.err(), '');
  });

  it('starts with credentials for this run only when the state folder cannot be written, and says so', { skip: process.platform !== 'linux' }, async () => {
    const run = await started([], { EMULATOR_STATE_DIR: '/proc/self/scalekit-emulator' });
    assert.match(run.out(), /^Credentials: new for this run only, as \/proc\/self\/scalekit-emulator\/credentials\.json could not be written \(E[A-Z]+\); set EMULATOR_STATE_DIR to a writable folder$/m);
    assert.equal(await tokenStatus(run.value('SCALEKIT_ENVIRONMENT_URL'), 'skc_emulator', run.value('SCALEKIT_CLIENT_SECRET')), 200);
    await run.stop();
  });

  it('takes organizations, the framing allow-list and a webhook receiver, shows them, and serves them', async () => {
    const probe = new Scalekit('http://127.0.0.1:9', 'skc_emulator', 'x');
    const receiver = await startReceiver(probe, WEBHOOK_SECRET);
    const run = await started(
      ['--organization', 'org_fixed:Fixed Corp', '--organization=org_two:Two: the sequel', '--allowed-origin', 'https://app.example.com', '--webhook-url', receiver.url, '--domain', 'org_fixed:fixed.test'],
      { EMULATOR_STATE_DIR: await tempStateDir(), EMULATOR_WEBHOOK_SECRET: WEBHOOK_SECRET, EMULATOR_ORGANIZATIONS: 'org_ignored:Replaced by the flags' },
    );
    try {
      const out = run.out();
      assert.match(out, /^Organizations: org_fixed \(Fixed Corp\), org_two \(Two: the sequel\)$/m);
      assert.match(out, /^  change them: --organization org_…:Name \(repeatable\) or EMULATOR_ORGANIZATIONS=org_a:A,org_b:B$/m);
      assert.match(out, new RegExp(`^Webhooks: directory events go to ${receiver.url.replace(/[.]/g, '\\.')}, signed with the secret given$`, 'm'));
      assert.match(out, /^Verified domains \(sign-in by email finds the organization\): fixed\.test → org_fixed$/m);
      assert.match(out, /^May frame the portal: https:\/\/app\.example\.com$/m);
      assert.match(out, /^  change it: --allowed-origin https:\/\/app\.example\.com \(repeatable\) or EMULATOR_ALLOWED_ORIGINS \(comma-separated\); either replaces this list$/m);
      assert.ok(!out.includes(WEBHOOK_SECRET.slice(6)), 'the webhook secret is never printed');

      const url = run.value('SCALEKIT_ENVIRONMENT_URL');
      const scalekit = new Scalekit(url, run.value('SCALEKIT_CLIENT_ID'), run.value('SCALEKIT_CLIENT_SECRET'));
      assert.equal((await scalekit.organization.getOrganization('org_fixed')).organization?.displayName, 'Fixed Corp');
      await assert.rejects(scalekit.organization.getOrganization('org_acme'), /not found/i);
      assert.deepEqual((await scalekit.domain.listDomains('org_fixed')).domains.map((d) => d.domain), ['fixed.test']);
      const link = await scalekit.organization.generatePortalLink('org_fixed');
      const page = await fetch(link.location);
      assert.match(page.headers.get('content-security-policy')!, /(^|; )frame-ancestors https:\/\/app\.example\.com($|;)/);

      const control = { authorization: `Bearer ${run.value('EMULATOR_CONTROL_TOKEN')}`, 'content-type': 'application/json' };
      assert.equal((await fetch(`${url}/_emulator/directory/org_fixed/enable`, { method: 'POST', headers: control })).status, 200);
      await stderrLine(run, /directory_enabled delivered/);
      assert.equal(receiver.deliveries[0]?.event.type, 'organization.directory_enabled');
      assert.equal(receiver.deliveries[0]?.event.organization_id, 'org_fixed');
      assert.deepEqual(receiver.rejected, [], 'signed with the secret given');
    } finally {
      await run.stop();
      await receiver.close();
    }
  });

  it('logs to stderr a request it does not serve and a page it refuses to be framed by, without query or link id', async () => {
    const run = await started([], { EMULATOR_STATE_DIR: await tempStateDir() });
    try {
      const url = run.value('SCALEKIT_ENVIRONMENT_URL');
      const res = await fetch(`${url}/api/v2/organizations?client_secret=hunter2`);
      assert.equal(res.status, 404);
      assert.equal((await res.json()).error.message, 'the emulator does not serve GET /api/v2/organizations');
      assert.equal(await stderrLine(run, /not served/), '[emulator] GET /api/v2/organizations: not served by the emulator (answered 404)');
      const scalekit = new Scalekit(url, 'skc_emulator', run.value('SCALEKIT_CLIENT_SECRET'));
      const link = await scalekit.organization.generatePortalLink('org_acme');
      await fetch(link.location, { headers: { 'sec-fetch-dest': 'iframe', referer: 'https://app.example.com/settings?token=x' } });
      const line = await stderrLine(run, /tried to frame/);
      assert.ok(line.startsWith('[emulator] https://app.example.com tried to frame the portal and was refused'), line);
      assert.ok(line.includes("--allowed-origin https://app.example.com ") && line.includes("EMULATOR_ALLOWED_ORIGINS='http://localhost:*,http://127.0.0.1:*,https://app.example.com'"), line);
      assert.ok(!run.err().includes('hunter2') && !run.err().includes(link.id) && !run.err().includes('token=x'));
    } finally {
      await run.stop();
    }
  });

  it('refuses a malformed configuration with one line and exit code 1, never a stack or a secret', async () => {
    const state = await tempStateDir();
    const damaged = await tempStateDir();
    await writeFile(join(damaged, 'credentials.json'), '{"version":1,"clientSecret":"sks_half');
    // One case per way a refusal reaches the CLI (parsing the environment or the flags, the emulator's own
    // checks, the credentials file), each a process; cli-args.test.ts checks every flag and variable in-process.
    const cases: Array<[env: Record<string, string>, args: string[], message: RegExp]> = [
      [{ EMULATOR_PORT: 'abc' }, [], /EMULATOR_PORT must be a port number/],
      [{}, ['--organization', 'acme:Acme'], /^--organization: organization id "acme" must look like org_/],
      [{ EMULATOR_WEBHOOK_URL: 'http://localhost:3000/hook', EMULATOR_WEBHOOK_SECRET: 'whsec_hunter2hunter2' }, [], /^EMULATOR_WEBHOOK_SECRET must be whsec_/],
      [{}, ['--webhook-secret', 'hunter2hunter2hunter2'], /^--webhook-secret must be whsec_/],
      [{ EMULATOR_CLIENT_SECRET: 'has spaces in it' }, [], /clientSecret must be/],
      [{}, ['--domain', 'org_acme:gmail.com'], /^domains: "gmail\.com" for "org_acme": public and disposable mail domains/],
      [{ EMULATOR_STATE_DIR: damaged }, [], /credentials\.json does not hold the emulator's credentials \(damaged or edited\): delete it or start with --new-credentials$/],
      [{ EMULATOR_STATE_DIR: join(damaged, 'credentials.json', 'below-a-file') }, [], /cannot read .* \(ENOTDIR\)/],
    ];
    const check = async ([env, args, message]: (typeof cases)[number]) => {
      const run = runCli(args, { EMULATOR_STATE_DIR: state, ...env });
      const [code] = await run.exited;
      const label = JSON.stringify([env, args]).slice(0, 120);
      assert.equal(code, 1, label);
      assert.equal(run.out(), '', label);
      assert.match(run.err(), /^Scalekit emulator not started: [^\n]+\n$/, label);
      assert.match(run.err().slice('Scalekit emulator not started: '.length).trimEnd(), message, label);
      assert.ok(!/\n\s+at /.test(run.err()), `${label}: no stack`);
      for (const secret of ['hunter2', 'has spaces', 'sks_half']) assert.ok(!run.err().includes(secret), `${label}: echoes ${secret}`);
    };
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(check));
  });
});
