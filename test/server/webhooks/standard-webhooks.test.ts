// Our Standard Webhooks signing and verification against the reference library (`standardwebhooks`), both ways:
// the emulator's signer must satisfy the reference verifier, and whatever the reference signer produces must
// satisfy our receiver. Where the two are asked the same question they must give the same answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { scalekitWebhooks } from '../../../server/webhooks/receiver.js';
import { webhookVerifier, webhookSecretKey } from '../../../server/webhooks/signature.js';
import type { ScalekitWebhookEvent } from '../../../server/webhooks/events.js';
import { generateWebhookSecret, webhookHeaders } from '../../../emulator/src/directory/webhook-signer.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const BOM = '\uFEFF';

function event(id = 'evt_1', name = 'Ada Lovelace') {
  return {
    spec_version: '1',
    id,
    type: 'organization.directory.user_created',
    occurred_at: '2026-11-28T17:00:00.000Z',
    environment_id: 'env_1',
    organization_id: 'org_acme',
    object: 'DirectoryUser',
    data: { id: 'diruser_1', organization_id: 'org_acme', name, email: 'ada@acme.test' },
  };
}

/** Reference-signed headers for `payload` (a string or the exact bytes). */
function referenceHeaders(secret: string, payload: string | Buffer, msgId = 'msg_ref', timestamp = nowSeconds()) {
  const signature = new Webhook(secret).sign(msgId, new Date(timestamp * 1000), payload);
  return { 'webhook-id': msgId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

/** The reference verifier's verdict, without parsing JSON (a BOM body is valid signed content, not JSON). */
function referenceAccepts(secret: string, payload: string | Buffer, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(payload, headers, { jsonParse: false } as never);
    return true;
  } catch {
    return false;
  }
}

function receiver(secret: string) {
  const events: ScalekitWebhookEvent[] = [];
  const app = scalekitWebhooks({ secret, onEvent: (e) => void events.push(e), log: () => {} });
  const deliver = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    app.request('/', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { events, deliver };
}

describe('emulator signer -> reference verifier', () => {
  const secret = generateWebhookSecret();
  for (const [name, body] of [
    ['an ASCII body', JSON.stringify(event())],
    ['a non-ASCII body', JSON.stringify(event('evt_2', 'Zoë Ωmega 💥 李'))],
    ['a body with a leading BOM', BOM + JSON.stringify(event())],
  ] as const) {
    it(`verifies ${name}`, () => {
      const headers = webhookHeaders(secret, 'msg_emu', body);
      assert.equal(referenceAccepts(secret, body, headers), true);
      assert.equal(referenceAccepts(secret, Buffer.from(body, 'utf8'), headers), true);
      assert.equal(referenceAccepts(generateWebhookSecret(), body, headers), false, 'another secret fails');
    });
  }
});

describe('reference signer -> scalekitWebhooks()', () => {
  const secret = generateWebhookSecret();

  it('accepts an ASCII and a non-ASCII body and hands over the event', async () => {
    const { events, deliver } = receiver(secret);
    for (const [i, name] of ['Ada Lovelace', 'Zoë Ωmega 💥 李'].entries()) {
      const body = JSON.stringify(event(`evt_${i}`, name));
      assert.equal((await deliver(body, referenceHeaders(secret, body, `msg_${i}`))).status, 200);
    }
    assert.deepEqual(events.map((e) => (e.data as { name: string }).name), ['Ada Lovelace', 'Zoë Ωmega 💥 李']);
  });

  it('accepts a bare base64 secret as the same key as its whsec_ form', async () => {
    const bare = secret.slice('whsec_'.length);
    const { events, deliver } = receiver(bare);
    const body = JSON.stringify(event());
    assert.equal((await deliver(body, referenceHeaders(secret, body))).status, 200);
    assert.equal(events.length, 1);
  });

  it('verifies a BOM body over its exact bytes: signed with the BOM passes, signed without it fails', async () => {
    const json = JSON.stringify(event());
    const bytes = Buffer.from(BOM + json, 'utf8');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);

    const signedWithBom = referenceHeaders(secret, bytes, 'msg_bom');
    const a = receiver(secret);
    assert.equal((await a.deliver(new Uint8Array(bytes), signedWithBom)).status, 200);
    assert.equal(a.events[0]?.id, 'evt_1', 'the BOM is decoded away only after verification');

    const signedWithoutBom = referenceHeaders(secret, json, 'msg_nobom');
    assert.equal(referenceAccepts(secret, bytes, signedWithoutBom), false, 'the reference refuses it too');
    const b = receiver(secret);
    assert.equal((await b.deliver(new Uint8Array(bytes), signedWithoutBom)).status, 401);
    assert.equal(b.events.length, 0);
  });

  it('refuses secrets with another prefix (asymmetric keys) at construction, without quoting them', () => {
    const key = Buffer.from('k'.repeat(32)).toString('base64');
    for (const other of [`whpk_${key}`, `whsk_${key}`, `sk_${key}`]) {
      assert.throws(
        () => receiver(other),
        (error: Error) => error instanceof TypeError && /whsec_/.test(error.message) && !error.message.includes(key),
        other.slice(0, 5),
      );
    }
    assert.throws(() => webhookSecretKey('whsec_not base64!'), TypeError);
    assert.throws(() => webhookSecretKey('whsec_'), TypeError);
  });

  // Each case: a mutation of reference-signed headers, and whether a spec-following verifier accepts it.
  const valid = (secret: string, body: string) => referenceHeaders(secret, body)['webhook-signature'];
  const cases: Array<[string, (body: string) => Record<string, string>, boolean]> = [
    ['a single valid signature', (body) => referenceHeaders(secret, body), true],
    ['a valid signature after one from another secret', (body) => {
      const h = referenceHeaders(secret, body);
      const other = referenceHeaders(generateWebhookSecret(), body, h['webhook-id'], Number(h['webhook-timestamp']));
      return { ...h, 'webhook-signature': `${other['webhook-signature']} ${h['webhook-signature']}` };
    }, true],
    ['a valid signature after a truncated one (v1,<short>)', (body) => {
      const h = referenceHeaders(secret, body);
      return { ...h, 'webhook-signature': `v1,AAAA ${h['webhook-signature']}` };
    }, true],
    ['a valid signature after a bare "v1" entry', (body) => {
      const h = referenceHeaders(secret, body);
      return { ...h, 'webhook-signature': `v1 ${h['webhook-signature']}` };
    }, true],
    ['a valid signature after a v1a/v2 entry', (body) => {
      const h = referenceHeaders(secret, body);
      return { ...h, 'webhook-signature': `v1a,${valid(secret, body).slice(3)} v2,xyz ${h['webhook-signature']}` };
    }, true],
    ['the valid signature under another version tag only', (body) => {
      const h = referenceHeaders(secret, body);
      return { ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v2,') };
    }, false],
    ['only malformed entries', (body) => ({ ...referenceHeaders(secret, body), 'webhook-signature': 'v1 v1, ,, v1,%%%' }), false],
    ['a signature from another secret', (body) => referenceHeaders(generateWebhookSecret(), body), false],
    ['a timestamp 299 s old', (body) => referenceHeaders(secret, body, 'msg_t', nowSeconds() - 299), true],
    ['a timestamp 299 s ahead', (body) => referenceHeaders(secret, body, 'msg_t', nowSeconds() + 299), true],
    ['a timestamp 310 s old', (body) => referenceHeaders(secret, body, 'msg_t', nowSeconds() - 310), false],
    ['a timestamp 310 s ahead', (body) => referenceHeaders(secret, body, 'msg_t', nowSeconds() + 310), false],
    ['another webhook-id than signed', (body) => ({ ...referenceHeaders(secret, body), 'webhook-id': 'msg_other' }), false],
    ['no webhook-signature', (body) => {
      const { 'webhook-signature': _drop, ...rest } = referenceHeaders(secret, body);
      return rest;
    }, false],
  ];

  for (const [name, make, accepted] of cases) {
    it(`${accepted ? 'accepts' : 'refuses'} ${name}, as the reference does`, async () => {
      const body = JSON.stringify(event('evt_case', 'Zoë'));
      const headers = make(body);
      assert.equal(referenceAccepts(secret, body, headers), accepted, 'reference verdict');
      const verdict = await webhookVerifier(secret).verify(headers, new TextEncoder().encode(body));
      assert.equal(verdict.ok, accepted, 'webhookVerifier verdict');
      const { events, deliver } = receiver(secret);
      const response = await deliver(body, headers);
      assert.equal(response.status, accepted ? 200 : 401);
      assert.equal(events.length, accepted ? 1 : 0);
    });
  }

  it('is stricter than the reference only on timestamps that are not plain whole seconds', async () => {
    const body = JSON.stringify(event());
    const h = referenceHeaders(secret, body);
    for (const timestamp of [`0${h['webhook-timestamp']}`, `${h['webhook-timestamp']}.0`, ` ${h['webhook-timestamp']}`, '+1']) {
      const verdict = await webhookVerifier(secret).verify({ ...h, 'webhook-timestamp': timestamp }, body);
      assert.deepEqual(verdict, { ok: false, reason: 'invalid_timestamp' }, timestamp);
    }
  });
});

describe('webhook-signature.ts', () => {
  it('imports nothing (no node: module, no SDK), so it runs on any runtime with WebCrypto', () => {
    const source = readFileSync(new URL('../../../server/webhooks/signature.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(source, /^\s*import\s/m);
    assert.doesNotMatch(source, /\brequire\(|\bBuffer\b|\bprocess\./);
  });
});
