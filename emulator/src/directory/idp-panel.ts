/**
 * The simulated identity provider, shown in the portal page's directory section: a person (or puppeteer)
 * adds, edits, deactivates and deletes test users and groups as the customer's IdP would push them over
 * SCIM; each change sends the matching signed webhook. It talks only to `/portal/directory` with its
 * portal session token, so it can act on no organization but the link's.
 *
 * Stable hooks for tests (data-testid unless noted):
 *   idp-panel               the root; attributes data-state="idle|busy", data-revision="<n>" (increments after
 *                           every re-render from the server), data-enabled="true|false"
 *   idp-disabled-note       shown while directory sync is off
 *   idp-body                the tables and forms, shown while directory sync is on
 *   idp-user-form           add/edit user form; fields idp-user-email, idp-user-given-name, idp-user-family-name,
 *                           group checkboxes idp-user-group (value = group id), submit idp-user-submit,
 *                           idp-user-cancel (visible while editing)
 *   idp-users-table         table; rows idp-user-row (attributes data-user-id, data-email, data-active), cells
 *                           idp-user-name, idp-user-email-cell, idp-user-groups, idp-user-status; buttons
 *                           idp-user-edit, idp-user-deactivate / idp-user-reactivate, idp-user-delete
 *   idp-group-form          add/rename group form; field idp-group-name, submit idp-group-submit, idp-group-cancel
 *   idp-groups-table        table; rows idp-group-row (data-group-id, data-name), cells idp-group-name-cell,
 *                           idp-group-members; buttons idp-group-rename, idp-group-delete
 *   idp-status              polite live region with the last outcome; idp-error: role="alert" with the last error
 * The page can ask the panel to reload (after toggling directory sync) by dispatching
 * `new Event('scalekit-emulator:directory-changed')` on `document`.
 */

export interface IdpPanelOptions {
  /** The portal session's token; sent as `x-portal-session`. */
  sessionToken: string;
  /** Where the panel's API lives (default `/portal/directory`). */
  apiBase?: string;
  /** CSP nonce for the inline style and script, when the page uses one. */
  nonce?: string;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const IDP_PANEL_STYLE = `
.idp { border-top: 1px solid #e2e5ea; margin-top: 20px; padding-top: 16px; }
.idp h3 { font-size: 15px; margin: 0 0 4px; }
.idp h4 { font-size: 13px; margin: 16px 0 8px; text-transform: uppercase; letter-spacing: .04em; color: #5b6270; }
.idp p.idp-hint { color: #5b6270; font-size: 13px; margin: 0 0 12px; }
.idp form { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin-bottom: 10px; }
.idp label { display: flex; flex-direction: column; font-size: 12px; color: #3b4250; gap: 3px; }
.idp input[type=text], .idp input[type=email] { padding: 6px 8px; border: 1px solid #c9ced6; border-radius: 6px; font: inherit; min-width: 150px; }
.idp fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 10px; flex-wrap: wrap; font-size: 12px; }
.idp fieldset label { flex-direction: row; align-items: center; gap: 4px; }
.idp button { padding: 6px 10px; border-radius: 6px; border: 1px solid #c9ced6; background: #fff; font: inherit; font-size: 13px; cursor: pointer; }
.idp button.idp-primary { background: #3b5bdb; border-color: #3b5bdb; color: #fff; }
.idp button.idp-danger { color: #b42318; }
.idp button:disabled { opacity: .5; cursor: not-allowed; }
.idp table { width: 100%; border-collapse: collapse; font-size: 13px; }
.idp th, .idp td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eceef2; vertical-align: middle; }
.idp th { font-weight: 600; color: #5b6270; font-size: 12px; }
.idp td[data-testid="idp-user-email-cell"] { overflow-wrap: anywhere; }
/* Buttons wrap inside their cell rather than push the table past the card on narrow frames. */
.idp td.idp-actions { text-align: right; }
.idp td.idp-actions button { margin: 2px 0 2px 4px; }
.idp .idp-badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #e6f4ea; color: #1e6b34; }
.idp .idp-badge[data-active="false"] { background: #f1f2f4; color: #5b6270; }
.idp .idp-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.idp [role=alert] { color: #b42318; font-size: 13px; min-height: 1em; margin: 6px 0 0; }
.idp [role=status] { color: #3b4250; font-size: 13px; min-height: 1em; margin: 6px 0 0; }
`;

// Plain ES5-ish script in a string (no template literals inside) so it runs as-is in the portal page.
export const IDP_PANEL_SCRIPT = `
(function () {
  var root = document.querySelector('[data-testid="idp-panel"]');
  if (!root) return;
  var token = root.getAttribute('data-portal-session') || '';
  var base = root.getAttribute('data-api') || '/portal/directory';
  var data = { directory: null, users: [], groups: [] };
  var editingUser = null;
  var editingGroup = null;
  var revision = 0;
  var over = false;
  function $(id) { return root.querySelector('[data-testid="' + id + '"]'); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function api(method, path, body) {
    var init = { method: method, headers: { 'x-portal-session': token }, credentials: 'same-origin' };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(base + path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) {
          var error = new Error((json.error && json.error.message) || ('Request failed (' + res.status + ')'));
          error.status = res.status;
          throw error;
        }
        return json;
      });
    });
  }
  function say(message) { $('idp-status').textContent = message; $('idp-error').textContent = ''; }
  function fail(error) {
    $('idp-error').textContent = error.message;
    if (error.status === 401) { over = true; disableAll(); }
  }
  function disableAll() {
    var controls = root.querySelectorAll('button, input');
    for (var i = 0; i < controls.length; i++) controls[i].disabled = true;
  }
  function refresh() {
    return api('GET', '').then(function (json) { data = json; render(); }, function (error) { fail(error); bump(); });
  }
  function bump() { revision += 1; root.setAttribute('data-revision', String(revision)); }
  function act(method, path, body, message) {
    if (over) return Promise.resolve();
    root.setAttribute('data-state', 'busy');
    return api(method, path, body)
      .then(function () { say(message); return refresh(); }, function (error) { fail(error); return refresh(); })
      .then(function () { root.setAttribute('data-state', 'idle'); });
  }
  function button(testid, label, aria, onClick, cls) {
    var b = el('button', { type: 'button', 'data-testid': testid, 'aria-label': aria }, label);
    if (cls) b.className = cls;
    b.addEventListener('click', onClick);
    return b;
  }
  function groupNames(user) { return user.groups.map(function (g) { return g.name; }).join(', '); }

  function renderUsers() {
    var body = $('idp-users-table').querySelector('tbody');
    body.textContent = '';
    if (data.users.length === 0) {
      var empty = el('tr', {});
      empty.appendChild(el('td', { colspan: '5', class: 'idp-empty' }, 'No users yet. Add one above.'));
      body.appendChild(empty);
    }
    data.users.forEach(function (user) {
      var row = el('tr', { 'data-testid': 'idp-user-row', 'data-user-id': user.id, 'data-email': user.email, 'data-active': String(user.active) });
      row.appendChild(el('td', { 'data-testid': 'idp-user-name' }, user.name));
      row.appendChild(el('td', { 'data-testid': 'idp-user-email-cell' }, user.email));
      row.appendChild(el('td', { 'data-testid': 'idp-user-groups' }, groupNames(user) || '\\u2014'));
      var status = el('td', {});
      status.appendChild(el('span', { 'data-testid': 'idp-user-status', class: 'idp-badge', 'data-active': String(user.active) }, user.active ? 'Active' : 'Deactivated'));
      row.appendChild(status);
      var actions = el('td', { class: 'idp-actions' });
      actions.appendChild(button('idp-user-edit', 'Edit', 'Edit ' + user.email, function () { startEditUser(user); }));
      if (user.active) {
        actions.appendChild(button('idp-user-deactivate', 'Deactivate', 'Deactivate ' + user.email, function () {
          act('POST', '/users/' + encodeURIComponent(user.id) + '/deactivate', undefined, user.email + ' deactivated');
        }));
      } else {
        actions.appendChild(button('idp-user-reactivate', 'Reactivate', 'Reactivate ' + user.email, function () {
          act('PATCH', '/users/' + encodeURIComponent(user.id), { active: true }, user.email + ' reactivated');
        }));
      }
      actions.appendChild(button('idp-user-delete', 'Delete', 'Delete ' + user.email, function () {
        if (editingUser === user.id) stopEditUser();
        act('DELETE', '/users/' + encodeURIComponent(user.id), undefined, user.email + ' deleted');
      }, 'idp-danger'));
      row.appendChild(actions);
      body.appendChild(row);
    });
  }

  function renderGroups() {
    var body = $('idp-groups-table').querySelector('tbody');
    body.textContent = '';
    if (data.groups.length === 0) {
      var empty = el('tr', {});
      empty.appendChild(el('td', { colspan: '3', class: 'idp-empty' }, 'No groups yet.'));
      body.appendChild(empty);
    }
    data.groups.forEach(function (group) {
      var row = el('tr', { 'data-testid': 'idp-group-row', 'data-group-id': group.id, 'data-name': group.displayName });
      row.appendChild(el('td', { 'data-testid': 'idp-group-name-cell' }, group.displayName));
      row.appendChild(el('td', { 'data-testid': 'idp-group-members' }, String(group.members)));
      var actions = el('td', { class: 'idp-actions' });
      actions.appendChild(button('idp-group-rename', 'Rename', 'Rename ' + group.displayName, function () { startEditGroup(group); }));
      actions.appendChild(button('idp-group-delete', 'Delete', 'Delete group ' + group.displayName, function () {
        if (editingGroup === group.id) stopEditGroup();
        act('DELETE', '/groups/' + encodeURIComponent(group.id), undefined, 'Group ' + group.displayName + ' deleted');
      }, 'idp-danger'));
      row.appendChild(actions);
      body.appendChild(row);
    });
    // Group choices in the user form keep what was ticked.
    var box = $('idp-user-groups');
    var ticked = {};
    var current = box.querySelectorAll('input:checked');
    for (var i = 0; i < current.length; i++) ticked[current[i].value] = true;
    box.textContent = '';
    box.appendChild(el('legend', {}, data.groups.length ? 'Groups' : 'No groups to join yet'));
    data.groups.forEach(function (group) {
      var label = el('label', {});
      var input = el('input', { type: 'checkbox', 'data-testid': 'idp-user-group', value: group.id });
      input.checked = !!ticked[group.id];
      label.appendChild(input);
      label.appendChild(document.createTextNode(group.displayName));
      box.appendChild(label);
    });
  }

  function render() {
    var enabled = !!(data.directory && data.directory.enabled);
    root.setAttribute('data-enabled', String(enabled));
    $('idp-disabled-note').hidden = enabled;
    $('idp-body').hidden = !enabled;
    renderGroups();
    renderUsers();
    if (over) disableAll();
    bump();
  }

  function startEditUser(user) {
    editingUser = user.id;
    $('idp-user-email').value = user.email;
    $('idp-user-given-name').value = user.givenName;
    $('idp-user-family-name').value = user.familyName;
    var boxes = root.querySelectorAll('[data-testid="idp-user-group"]');
    var member = {};
    user.groups.forEach(function (g) { member[g.id] = true; });
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = !!member[boxes[i].value];
    $('idp-user-submit').textContent = 'Save user';
    $('idp-user-cancel').hidden = false;
    $('idp-user-email').focus();
  }
  function stopEditUser() {
    editingUser = null;
    $('idp-user-form').reset();
    $('idp-user-submit').textContent = 'Add user';
    $('idp-user-cancel').hidden = true;
  }
  function startEditGroup(group) {
    editingGroup = group.id;
    $('idp-group-name').value = group.displayName;
    $('idp-group-submit').textContent = 'Rename group';
    $('idp-group-cancel').hidden = false;
    $('idp-group-name').focus();
  }
  function stopEditGroup() {
    editingGroup = null;
    $('idp-group-form').reset();
    $('idp-group-submit').textContent = 'Add group';
    $('idp-group-cancel').hidden = true;
  }

  $('idp-user-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var groups = [];
    var boxes = root.querySelectorAll('[data-testid="idp-user-group"]:checked');
    for (var i = 0; i < boxes.length; i++) groups.push(boxes[i].value);
    var fields = {
      email: $('idp-user-email').value,
      givenName: $('idp-user-given-name').value,
      familyName: $('idp-user-family-name').value,
      groups: groups
    };
    var id = editingUser;
    var done = id
      ? act('PATCH', '/users/' + encodeURIComponent(id), fields, fields.email + ' updated')
      : act('POST', '/users', fields, fields.email + ' added');
    done.then(function () { if (!$('idp-error').textContent) stopEditUser(); });
  });
  $('idp-user-cancel').addEventListener('click', stopEditUser);
  $('idp-group-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var name = $('idp-group-name').value;
    var id = editingGroup;
    var done = id
      ? act('PATCH', '/groups/' + encodeURIComponent(id), { displayName: name }, 'Group renamed to ' + name)
      : act('POST', '/groups', { displayName: name }, 'Group ' + name + ' added');
    done.then(function () { if (!$('idp-error').textContent) stopEditGroup(); });
  });
  $('idp-group-cancel').addEventListener('click', stopEditGroup);
  document.addEventListener('scalekit-emulator:directory-changed', function () { refresh(); });
  refresh();
})();
`;

/** The panel's markup plus its style and script, for the portal page's directory section. */
export function idpPanel(options: IdpPanelOptions): string {
  const nonce = options.nonce ? ` nonce="${escapeAttribute(options.nonce)}"` : '';
  return `
<style${nonce}>${IDP_PANEL_STYLE}</style>
<section class="idp" data-testid="idp-panel" data-state="idle" data-revision="0" data-enabled="false"
  data-portal-session="${escapeAttribute(options.sessionToken)}" data-api="${escapeAttribute(options.apiBase ?? '/portal/directory')}"
  aria-labelledby="idp-title">
  <h3 id="idp-title">Simulated identity provider</h3>
  <p class="idp-hint">Stands in for your customer's IdP (Okta, Entra ID…) pushing users over SCIM. Every change here
    sends the matching signed webhook to the app.</p>
  <p class="idp-hint" data-testid="idp-disabled-note">Turn on directory sync to provision test users.</p>
  <div data-testid="idp-body" hidden>
    <h4>Users</h4>
    <form data-testid="idp-user-form" aria-label="Add or edit a user">
      <label>Email<input type="email" required maxlength="254" data-testid="idp-user-email" autocomplete="off"></label>
      <label>Given name<input type="text" maxlength="200" data-testid="idp-user-given-name" autocomplete="off"></label>
      <label>Family name<input type="text" maxlength="200" data-testid="idp-user-family-name" autocomplete="off"></label>
      <fieldset data-testid="idp-user-groups"></fieldset>
      <button type="submit" class="idp-primary" data-testid="idp-user-submit">Add user</button>
      <button type="button" data-testid="idp-user-cancel" hidden>Cancel</button>
    </form>
    <table data-testid="idp-users-table">
      <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Groups</th><th scope="col">Status</th><th scope="col"><span class="idp-sr">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <h4>Groups</h4>
    <form data-testid="idp-group-form" aria-label="Add or rename a group">
      <label>Group name<input type="text" required maxlength="200" data-testid="idp-group-name" autocomplete="off"></label>
      <button type="submit" class="idp-primary" data-testid="idp-group-submit">Add group</button>
      <button type="button" data-testid="idp-group-cancel" hidden>Cancel</button>
    </form>
    <table data-testid="idp-groups-table">
      <thead><tr><th scope="col">Group</th><th scope="col">Members</th><th scope="col"><span class="idp-sr">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <p role="status" aria-live="polite" data-testid="idp-status"></p>
  <p role="alert" data-testid="idp-error"></p>
</section>
<script${nonce}>${IDP_PANEL_SCRIPT}</script>`;
}
