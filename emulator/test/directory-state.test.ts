import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryState, DirectoryError, DIRECTORY_LIMITS, type DirectoryEvent } from '../src/directory/directory-state.js';

const ORGS = new Set(['org_acme', 'org_globex']);

function setup() {
  const events: DirectoryEvent[] = [];
  const state = new DirectoryState({
    hasOrganization: (id) => ORGS.has(id),
    emit: (event) => events.push(event),
    baseUrl: () => 'http://127.0.0.1:4000',
    environmentId: 'env_test',
  });
  return { state, events };
}

function enabled() {
  const context = setup();
  context.state.setEnabled('org_acme', true);
  context.events.length = 0;
  return context;
}

/** Asserts that `action` throws a DirectoryError with `code` and leaves state and events as they were. */
function assertRefused(context: ReturnType<typeof setup>, action: () => unknown, code: string) {
  const before = JSON.stringify([context.state.snapshot('org_acme'), context.state.snapshot('org_globex')]);
  const eventCount = context.events.length;
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof DirectoryError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
  assert.equal(JSON.stringify([context.state.snapshot('org_acme'), context.state.snapshot('org_globex')]), before);
  assert.equal(context.events.length, eventCount);
}

describe('directory state', () => {
  let context: ReturnType<typeof setup>;
  beforeEach(() => {
    context = enabled();
  });

  it('creates a disabled SCIM directory on first use, without an event', () => {
    const { state, events } = setup();
    assert.equal(state.findDirectory('org_acme'), null);
    const directory = state.ensureDirectory('org_acme');
    assert.match(directory.id, /^dir_\d{18}$/);
    assert.equal(directory.enabled, false);
    assert.equal(directory.endpoint, `http://127.0.0.1:4000/directory/${directory.id}/scim/v2`);
    assert.match(directory.bearerToken, /^scim_/);
    assert.equal(state.ensureDirectory('org_acme').id, directory.id);
    assert.deepEqual(events, []);
  });

  it('emits directory_enabled / directory_disabled only when the state changes', () => {
    const { state, events } = setup();
    state.setProvider('org_acme', 'MICROSOFT_AD');
    const directory = state.setEnabled('org_acme', true);
    state.setEnabled('org_acme', true);
    state.setEnabled('org_acme', false);
    assert.deepEqual(events.map((e) => e.type), ['organization.directory_enabled', 'organization.directory_disabled']);
    const { updated_at: updatedAt, ...rest } = events[0]!.data as Record<string, unknown>;
    assert.deepEqual(rest, { id: directory.id, organization_id: 'org_acme', directory_type: 'SCIM', provider: 'MICROSOFT_AD', enabled: true });
    assert.ok(typeof updatedAt === 'string' && !Number.isNaN(Date.parse(updatedAt)), 'directory events carry updated_at');
    assert.equal(events[0]!.object, 'Directory');
    assert.equal(events[1]!.data.enabled, false);
  });

  it('adds a user with Scalekit\'s envelope and data shape', () => {
    const group = context.state.addGroup('org_acme', { displayName: 'Engineering' });
    const user = context.state.addUser('org_acme', { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace', groups: [group.id], roles: ['admin'] });
    assert.match(user.id, /^diruser_\d{18}$/);
    const event = context.events.at(-1)!;
    assert.equal(event.spec_version, '1');
    assert.match(event.id, /^evt_\d{18}$/);
    assert.equal(event.type, 'organization.directory.user_created');
    assert.equal(event.environment_id, 'env_test');
    assert.equal(event.organization_id, 'org_acme');
    assert.equal(event.object, 'DirectoryUser');
    assert.ok(!Number.isNaN(Date.parse(event.occurred_at)), '!Number.isNaN(Date.parse(event.occurred_at))');
    const data = event.data as Record<string, any>;
    assert.equal(data.id, user.id);
    assert.equal(data.organization_id, 'org_acme');
    assert.equal(data.email, 'ada@acme.test');
    assert.equal(data.given_name, 'Ada');
    assert.equal(data.family_name, 'Lovelace');
    assert.equal(data.name, 'Ada Lovelace');
    assert.equal(data.preferred_username, 'ada@acme.test');
    assert.equal(data.active, true);
    assert.equal(data.dp_id, user.dpId);
    assert.deepEqual(data.groups, [{ id: group.id, name: 'Engineering' }]);
    assert.deepEqual(data.roles, [{ role_name: 'admin' }]);
    assert.deepEqual(data.raw_attributes.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User']);
    assert.deepEqual(data.raw_attributes.emails, [{ value: 'ada@acme.test', type: 'work', primary: true }]);
    assert.deepEqual(data.raw_attributes.groups, [{ value: group.dpId, display: 'Engineering' }]);
  });

  it('edits, deactivates (user_deleted, as Scalekit deprovisions) and deletes a user with the matching events', () => {
    const user = context.state.addUser('org_acme', { email: 'ada@acme.test', givenName: 'Ada' });
    context.state.updateUser('org_acme', user.id, { familyName: 'Byron' });
    context.state.updateUser('org_acme', user.id, { familyName: 'Byron' }); // no change, no event
    context.state.deactivateUser('org_acme', user.id);
    context.state.deleteUser('org_acme', user.id);
    assert.deepEqual(context.events.map((e) => e.type), [
      'organization.directory.user_created',
      'organization.directory.user_updated',
      'organization.directory.user_deleted',
      'organization.directory.user_deleted',
    ]);
    assert.equal(context.events[2]!.data.id, user.id);
    assert.equal(context.events[1]!.data.name, 'Ada Byron');
    assert.equal(context.events[2]!.data.active, false);
    assert.deepEqual(context.events[3]!.data, { id: user.id, organization_id: 'org_acme', dp_id: user.dpId, email: 'ada@acme.test' });
    assert.deepEqual(context.state.snapshot('org_acme')!.users, []);
  });

  it('keeps a deactivated user listed and can reactivate them', () => {
    const user = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    context.state.deactivateUser('org_acme', user.id);
    const directoryId = context.state.findDirectory('org_acme')!.id;
    assert.equal(context.state.listUsers('org_acme', directoryId)[0]!.active, false);
    assert.equal(context.state.updateUser('org_acme', user.id, { active: true }).active, true);
    assert.deepEqual(context.events.slice(-2).map((e) => [e.type, e.data.active]), [
      ['organization.directory.user_deleted', false],
      ['organization.directory.user_created', true],
    ], 'a reactivated user arrives as created again');
  });

  it('group events carry directory_id and external_id', () => {
    const group = context.state.addGroup('org_acme', { displayName: 'Eng' });
    const directoryId = context.state.findDirectory('org_acme')!.id;
    context.state.deleteGroup('org_acme', group.id);
    for (const event of context.events.slice(-2)) {
      assert.equal(event.data.directory_id, directoryId);
      assert.equal(event.data.external_id, group.dpId);
    }
  });

  it('renaming or deleting a group updates its members', () => {
    const group = context.state.addGroup('org_acme', { displayName: 'Eng' });
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test', groups: [group.id] });
    context.state.addUser('org_acme', { email: 'bob@acme.test' });
    context.events.length = 0;
    context.state.updateGroup('org_acme', group.id, { displayName: 'Engineering' });
    assert.deepEqual(context.events.map((e) => [e.type, e.data.id]), [
      ['organization.directory.group_updated', group.id],
      ['organization.directory.user_updated', ada.id],
    ]);
    assert.deepEqual(context.events[1]!.data.groups, [{ id: group.id, name: 'Engineering' }]);
    context.events.length = 0;
    context.state.deleteGroup('org_acme', group.id);
    assert.deepEqual(context.events.map((e) => [e.type, e.data.id]), [
      ['organization.directory.group_deleted', group.id],
      ['organization.directory.user_updated', ada.id],
    ]);
    assert.deepEqual(context.events[1]!.data.groups, []);
    assert.equal(context.events[0]!.object, 'DirectoryGroup');
  });

  it('adds and removes members', () => {
    const group = context.state.addGroup('org_acme', { displayName: 'Eng' });
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    assert.deepEqual(context.state.addMember('org_acme', group.id, ada.id).groupIds, [group.id]);
    assert.deepEqual(context.state.removeMember('org_acme', group.id, ada.id).groupIds, []);
    assertRefused(context, () => context.state.removeMember('org_acme', group.id, ada.id), 'not_found');
    const directoryId = context.state.findDirectory('org_acme')!.id;
    context.state.addMember('org_acme', group.id, ada.id);
    assert.deepEqual(context.state.listUsers('org_acme', directoryId, { groupId: group.id }).map((u) => u.id), [ada.id]);
  });

  it('filters by updatedAfter', () => {
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    const bob = context.state.addUser('org_acme', { email: 'bob@acme.test' });
    const directoryId = context.state.findDirectory('org_acme')!.id;
    assert.deepEqual(context.state.listUsers('org_acme', directoryId, { updatedAfter: new Date(ada.updatedAt) }).map((u) => u.id), [bob.id]);
  });

  it('keeps organizations apart', () => {
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    context.state.setEnabled('org_globex', true);
    assertRefused(context, () => context.state.updateUser('org_globex', ada.id, { givenName: 'Eve' }), 'not_found');
    assertRefused(context, () => context.state.deleteUser('org_globex', ada.id), 'not_found');
    const acmeDirectory = context.state.findDirectory('org_acme')!.id;
    assertRefused(context, () => context.state.listUsers('org_globex', acmeDirectory), 'not_found');
  });

  it('refuses changes while directory sync is disabled, and for unknown organizations', () => {
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    context.state.setEnabled('org_acme', false);
    assertRefused(context, () => context.state.addUser('org_acme', { email: 'bob@acme.test' }), 'directory_disabled');
    assertRefused(context, () => context.state.deleteUser('org_acme', ada.id), 'directory_disabled');
    assertRefused(context, () => context.state.addUser('org_globex', { email: 'bob@acme.test' }), 'not_found');
    assertRefused(context, () => context.state.ensureDirectory('org_nope'), 'not_found');
    assertRefused(context, () => context.state.setEnabled('org_nope', true), 'not_found');
  });

  it('refuses hostile and malformed input with clear errors, leaving state unchanged', () => {
    const ada = context.state.addUser('org_acme', { email: 'ada@acme.test' });
    const group = context.state.addGroup('org_acme', { displayName: 'Eng' });
    const huge = 'x'.repeat(100_000);
    const invalidUsers: unknown[] = [
      null, 'ada@acme.test', 42, [], [{ email: 'a@b.co' }], {}, { email: '' }, { email: 'not-an-email' }, { email: 42 },
      { email: `${huge}@acme.test` }, { email: 'a@b.co', givenName: huge }, { email: 'a@b.co', givenName: 'A\u0000' },
      { email: 'a@b.co', givenName: 7 }, { email: 'a@b.co', groups: 'Eng' }, { email: 'a@b.co', groups: [7] },
      { email: 'a@b.co', roles: [''] }, { email: 'a@b.co', roles: Array(DIRECTORY_LIMITS.rolesPerUser + 1).fill('r') },
      { email: 'a@b.co', active: 'yes' }, { email: 'a@b.co', isAdmin: true }, JSON.parse('{"email":"a@b.co","__proto__":{"x":1}}'),
      { email: '<script>@x.co' },
    ];
    for (const input of invalidUsers) assertRefused(context, () => context.state.addUser('org_acme', input), 'invalid_request');
    assertRefused(context, () => context.state.addUser('org_acme', { email: 'a@b.co', groups: ['dirgroup_000000000000000000'] }), 'not_found');
    assertRefused(context, () => context.state.addUser('org_acme', { email: 'ADA@acme.test' }), 'conflict');
    for (const patch of [{}, null, { email: 'nope' }, { name: huge }, { groups: {} }])
      assertRefused(context, () => context.state.updateUser('org_acme', ada.id, patch), 'invalid_request');
    for (const id of ['diruser_000000000000000000', '', 42, null, { id: ada.id }, huge])
      assertRefused(context, () => context.state.updateUser('org_acme', id, { givenName: 'Eve' }), 'not_found');
    for (const orgId of ['', 42, null, huge, ['org_acme']])
      assertRefused(context, () => context.state.addUser(orgId, { email: 'a@b.co' }), 'invalid_request');
    for (const input of [{}, { displayName: '' }, { displayName: '   ' }, { displayName: huge }, { displayName: 1 }, { name: 'Eng' }, 'Eng'])
      assertRefused(context, () => context.state.addGroup('org_acme', input), 'invalid_request');
    assertRefused(context, () => context.state.addGroup('org_acme', { displayName: 'ENG' }), 'conflict');
    assertRefused(context, () => context.state.deleteGroup('org_acme', 'dirgroup_1'), 'not_found');
    assertRefused(context, () => context.state.setProvider('org_acme', 'EVIL'), 'invalid_request');
    assertRefused(context, () => context.state.setEnabled('org_acme', 'true'), 'invalid_request');
    // Messages never echo input.
    try {
      context.state.addUser('org_acme', { email: `${huge}@acme.test` });
    } catch (error) {
      assert.ok((error as Error).message.length < 200, '(error as Error).message.length < 200');
    }
    assert.equal(context.state.snapshot('org_acme')!.groups.length, 1);
  });

  it('accepts odd but legitimate text', () => {
    const user = context.state.addUser('org_acme', { email: 'o\'brien+ops@acme.test', givenName: 'Zoë', familyName: '李 <b>', name: '  ' });
    assert.equal(user.givenName, 'Zoë');
    assert.equal(user.familyName, '李 <b>');
    assert.equal(user.name, 'Zoë 李 <b>');
  });

  it('enforces its size limits', () => {
    for (let i = 0; i < DIRECTORY_LIMITS.usersPerDirectory; i += 1) context.state.addUser('org_acme', { email: `u${i}@acme.test` });
    assertRefused(context, () => context.state.addUser('org_acme', { email: 'one-more@acme.test' }), 'limit_exceeded');
  });
});
