// The CLI's configuration, in-process: every flag and variable, how flags override variables, and a one-line
// error naming the flag or variable for each malformed or hostile value, never echoing a secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../src/cli/args.js';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

describe('scalekit-emulator flags and variables', () => {
  it('reads the defaults, then the environment, then the flags', () => {
    assert.deepEqual(parseCli({}, []).options, { port: 8788, host: '127.0.0.1' });
    const env = {
      EMULATOR_PORT: '9000',
      EMULATOR_ORGANIZATIONS: 'org_env:From env, org_two : Two ',
      EMULATOR_ALLOWED_ORIGINS: 'https://env.example.com, http://localhost:*',
      EMULATOR_WEBHOOK_URL: 'http://localhost:3000/webhooks/scalekit',
      EMULATOR_WEBHOOK_SECRET: SECRET,
    };
    const fromEnv = parseCli(env, []).options;
    assert.deepEqual(fromEnv.organizations, [{ id: 'org_env', displayName: 'From env' }, { id: 'org_two', displayName: 'Two' }]);
    assert.deepEqual(fromEnv.allowedOrigins, ['https://env.example.com', 'http://localhost:*']);
    assert.deepEqual(fromEnv.webhooks, { url: 'http://localhost:3000/webhooks/scalekit', secret: SECRET });

    const flags = parseCli(env, [
      '--port=0',
      '--organization', 'org_fixed:Fixed: Inc.',
      '--organization=org_b:B',
      '--allowed-origin', 'https://app.example.com',
      '--allowed-origin=https://*.example.org',
      '--webhook-url', 'https://hooks.example.com/scalekit',
      '--new-credentials',
    ]);
    assert.equal(flags.options.port, 0);
    assert.deepEqual(flags.options.organizations, [{ id: 'org_fixed', displayName: 'Fixed: Inc.' }, { id: 'org_b', displayName: 'B' }]);
    assert.deepEqual(flags.options.allowedOrigins, ['https://app.example.com', 'https://*.example.org']);
    assert.deepEqual(flags.options.webhooks, { url: 'https://hooks.example.com/scalekit', secret: SECRET }, 'the secret from the environment, the URL from the flag');
    assert.equal(flags.newCredentials, true);
    assert.equal(parseCli({}, ['--webhook-url', 'http://127.0.0.1:9/h', '--webhook-secret', SECRET]).options.webhooks?.secret, SECRET);
    assert.equal(parseCli({}, ['-h']).help, true);
  });

  it('reads verified domains from EMULATOR_DOMAINS, and --domain replaces them', () => {
    const env = { EMULATOR_DOMAINS: 'org_acme:acme.test, org_globex : globex.test ' };
    assert.deepEqual(parseCli(env, []).options.domains, [
      { organizationId: 'org_acme', domain: 'acme.test' },
      { organizationId: 'org_globex', domain: 'globex.test' },
    ]);
    assert.deepEqual(parseCli(env, ['--domain', 'org_acme:Acme.Example', '--domain=org_b:b.test']).options.domains, [
      { organizationId: 'org_acme', domain: 'Acme.Example' },
      { organizationId: 'org_b', domain: 'b.test' },
    ]);
    assert.equal(parseCli({}, []).options.domains, undefined);
  });

  const refused: Array<[label: string, env: Record<string, string>, args: string[], message: RegExp]> = [
    ['org without colon', {}, ['--organization', 'org_acme'], /^--organization must be ID:NAME/],
    ['org id not org_', {}, ['--organization', 'acme:Acme'], /^--organization: organization id "acme" must look like org_/],
    ['org id with a space', {}, ['--organization', 'org_a b:Acme'], /^--organization: organization id/],
    ['org id too long', {}, ['--organization', `org_${'x'.repeat(100)}:X`], /^--organization: organization id "org_x{50}/],
    ['org empty name', {}, ['--organization', 'org_a:'], /^--organization: organization name for "org_a" must be 1-200 characters$/],
    ['org blank name', {}, ['--organization', 'org_a:   '], /must be 1-200 characters$/],
    ['org long name', {}, ['--organization', `org_a:${'n'.repeat(201)}`], /must be 1-200 characters$/],
    ['org name with a newline', {}, ['--organization', 'org_a:Evil\nSCALEKIT_CLIENT_SECRET=x'], /must not contain control characters$/],
    ['org name with an escape', {}, ['--organization', 'org_a:\x1b[2J'], /must not contain control characters$/],
    ['org twice', {}, ['--organization', 'org_a:A', '--organization', 'org_a:B'], /^--organization: organization "org_a" is given twice$/],
    ['org no value', {}, ['--organization'], /^--organization needs a value/],
    ['org value is a flag', {}, ['--organization', '--tls'], /^--organization needs a value/],
    ['org too many', {}, Array.from({ length: 1001 }, (_, i) => `--organization=org_${i}:N`), /^--organization: at most 1000 organizations$/],
    ['env orgs garbage', { EMULATOR_ORGANIZATIONS: 'org_a:A,nonsense' }, [], /^EMULATOR_ORGANIZATIONS must be ID:NAME/],
    ['env orgs only commas', { EMULATOR_ORGANIZATIONS: ' , ,' }, [], /^EMULATOR_ORGANIZATIONS names nothing/],
    ['origin with a path', {}, ['--allowed-origin', 'https://app.example.com/x'], /^--allowed-origin must be an origin such as/],
    ['origin CSP injection', {}, ['--allowed-origin', "https://a.com; script-src 'unsafe-inline'"], /^--allowed-origin must be an origin/],
    ['origin wildcard', {}, ['--allowed-origin', '*'], /^--allowed-origin must be an origin/],
    ['origin javascript', {}, ['--allowed-origin', 'javascript:alert(1)'], /^--allowed-origin must be an origin/],
    ['origin bad port', {}, ['--allowed-origin', 'http://localhost:99999'], /^--allowed-origin must be an origin/],
    ['origin empty', {}, ['--allowed-origin='], /^--allowed-origin needs a value/],
    ['env origins injection', { EMULATOR_ALLOWED_ORIGINS: "http://localhost:3000; script-src 'unsafe-inline'" }, [], /^EMULATOR_ALLOWED_ORIGINS must be an origin/],
    ['webhook url ftp', {}, ['--webhook-url', 'ftp://example.com/x', '--webhook-secret', SECRET], /^--webhook-url must be an http\(s\) URL/],
    ['webhook url relative', {}, ['--webhook-url', '/webhooks', '--webhook-secret', SECRET], /^--webhook-url must be an http\(s\) URL/],
    ['webhook url huge', {}, ['--webhook-url', `http://x/${'a'.repeat(3000)}`, '--webhook-secret', SECRET], /^--webhook-url must be an http\(s\) URL/],
    ['env webhook url', { EMULATOR_WEBHOOK_URL: 'file:///etc/passwd', EMULATOR_WEBHOOK_SECRET: SECRET }, [], /^EMULATOR_WEBHOOK_URL must be an http\(s\) URL/],
    ['webhook url alone', {}, ['--webhook-url', 'http://localhost:3000/h'], /^--webhook-url needs a secret too: --webhook-secret or EMULATOR_WEBHOOK_SECRET/],
    ['webhook secret alone', { EMULATOR_WEBHOOK_SECRET: SECRET }, [], /^EMULATOR_WEBHOOK_SECRET needs a receiver too: --webhook-url or EMULATOR_WEBHOOK_URL$/],
    ['webhook secret no prefix', {}, ['--webhook-secret', 'c2VjcmV0c2VjcmV0c2VjcmV0'], /^--webhook-secret must be whsec_ followed by a base64 key of at least 16 bytes$/],
    ['webhook secret short', {}, ['--webhook-secret', 'whsec_c2VjcmV0'], /^--webhook-secret must be whsec_/],
    ['webhook secret not base64', {}, ['--webhook-secret', 'whsec_not base64 at all!!'], /^--webhook-secret must be whsec_/],
    ['env webhook secret', { EMULATOR_WEBHOOK_SECRET: 'hunter2-hunter2', EMULATOR_WEBHOOK_URL: 'http://x/h' }, [], /^EMULATOR_WEBHOOK_SECRET must be whsec_/],
    ['flag with a value it does not take', {}, ['--new-credentials=yes'], /^--new-credentials takes no value/],
    ['unknown flag', {}, ['--organisation', 'org_a:A'], /^unknown argument "--organisation"/],
    ['port', {}, ['--port', '-1'], /^--port must be a port number/],
    ['domain without colon', {}, ['--domain', 'acme.test'], /^--domain must be ORGANIZATION_ID:DOMAIN, e.g. org_acme:acme.test \(got "acme.test"\)$/],
    ['domain empty name', {}, ['--domain', 'org_acme:'], /^--domain must be ORGANIZATION_ID:DOMAIN/],
    ['domain empty org', {}, ['--domain', ':acme.test'], /^--domain must be ORGANIZATION_ID:DOMAIN/],
    ['domain with a space', {}, ['--domain', 'org_acme:acme .test'], /^--domain must be ORGANIZATION_ID:DOMAIN/],
    ['domain with a newline', {}, ['--domain', 'org_acme:acme.test\nSCALEKIT_CLIENT_SECRET=x'], /^--domain must be ORGANIZATION_ID:DOMAIN/],
    ['domain too long', {}, ['--domain', `org_acme:${'a'.repeat(300)}.test`], /^--domain must be ORGANIZATION_ID:DOMAIN, .*…"\)$/],
    ['domain no value', {}, ['--domain'], /^--domain needs a value/],
    ['domains too many', {}, Array.from({ length: 1001 }, (_, i) => `--domain=org_a:d${i}.test`), /^--domain: at most 1000 domains$/],
    ['env domains garbage', { EMULATOR_DOMAINS: 'org_a:a.test,nonsense' }, [], /^EMULATOR_DOMAINS must be ORGANIZATION_ID:DOMAIN/],
    ['env domains only commas', { EMULATOR_DOMAINS: ',,' }, [], /^EMULATOR_DOMAINS names nothing/],
  ];

  it('refuses every malformed or hostile value with one line naming the flag or variable', () => {
    for (const [label, env, args, message] of refused) {
      assert.throws(() => parseCli(env, args), (error: Error) => {
        assert.ok(error instanceof TypeError || error instanceof RangeError, label);
        assert.match(error.message, message, label);
        assert.ok(!/[\r\n]/.test(error.message), `${label}: one line`);
        assert.ok(error.message.length < 300, `${label}: short`);
        return true;
      }, label);
    }
  });

  it('never echoes a webhook secret, well-formed or not', () => {
    for (const secret of [SECRET, 'whsec_c2VjcmV0', 'hunter2-hunter2-hunter2']) {
      for (const [env, args] of [
        [{}, ['--webhook-secret', secret]],
        [{ EMULATOR_WEBHOOK_SECRET: secret }, []],
      ] as const) {
        try {
          parseCli(env, args);
          assert.fail('expected a refusal');
        } catch (error) {
          assert.ok(!(error as Error).message.includes(secret.slice(6)), (error as Error).message);
        }
      }
    }
  });
});

describe('scalekit-emulator banner', () => {
  it('shows at most ten organizations, never a webhook secret or a receiver URL\'s credentials or query', async () => {
    const { banner } = await import('../src/cli/banner.js');
    const { startEmulator } = await import('../src/index.js');
    const organizations = Array.from({ length: 25 }, (_, i) => ({ id: `org_${i}`, displayName: `Org ${i}` }));
    const emulator = await startEmulator({ organizations, webhooks: { url: 'https://user:pa55@hooks.example.com/in?key=k3y', secret: SECRET } });
    try {
      const text = banner({ emulator, allowedOrigins: ['http://localhost:*'], credentials: null, fromEnvironment: ['EMULATOR_CLIENT_SECRET', 'EMULATOR_CONTROL_TOKEN'] });
      assert.match(text, /^Organizations: org_0 \(Org 0\), .*, org_9 \(Org 9\) and 15 more$/m);
      assert.match(text, /^Webhooks: directory events go to https:\/\/hooks\.example\.com\/in\?…, signed with the secret given$/m);
      for (const hidden of [SECRET.slice(6), 'pa55', 'k3y', 'user:']) assert.ok(!text.includes(hidden), hidden);
      assert.match(text, /^Credentials: from EMULATOR_CLIENT_SECRET and EMULATOR_CONTROL_TOKEN$/m);
      assert.match(text, /^Verified domains: none; sign-in by email needs one: --domain org_…:acme\.test \(repeatable\) or EMULATOR_DOMAINS$/m);
    } finally {
      await emulator.close();
    }
  });

  it('lists the verified domains sign-in by email routes, not pending ones', async () => {
    const { banner } = await import('../src/cli/banner.js');
    const { startEmulator } = await import('../src/index.js');
    const emulator = await startEmulator({ domains: [{ organizationId: 'org_acme', domain: 'acme.test' }] });
    try {
      emulator.domains.add('org_acme', 'pending.test');
      const text = banner({ emulator, allowedOrigins: ['http://localhost:*'], credentials: null, fromEnvironment: ['EMULATOR_CLIENT_SECRET', 'EMULATOR_CONTROL_TOKEN'] });
      assert.match(text, /^Verified domains \(sign-in by email finds the organization\): acme\.test → org_acme$/m);
      assert.ok(!text.includes('pending.test'));
    } finally {
      await emulator.close();
    }
  });
});
