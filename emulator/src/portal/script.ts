// The portal page's browser script, as a string served inline (CSP nonce). Plain ES2017, no template
// literals, so it can live in a TypeScript string untouched. It reads its configuration from the JSON
// block #portal-config (see portal-page.ts), posts Scalekit's UI events to the framing origin only, runs
// the session timers and drives the SSO, directory and domain sections through /portal/api and /portal/domains.
// Event messages are the texts of Scalekit's UI events reference; hosts key on event_type, never on them.
export const PORTAL_SCRIPT = String.raw`
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('portal-config').textContent);
  var body = document.body;

  // --- where events may go: the framing origin, and only if allowedOrigins admits it -------------------
  function framingOrigin() {
    if (window.parent === window) return null;
    var origin = null;
    if (location.ancestorOrigins && location.ancestorOrigins.length) origin = location.ancestorOrigins[0];
    else if (document.referrer) { try { origin = new URL(document.referrer).origin; } catch (e) { origin = null; } }
    if (!origin || origin === 'null') return null;
    for (var i = 0; i < cfg.allowedOriginPatterns.length; i++) {
      if (new RegExp(cfg.allowedOriginPatterns[i], 'i').test(origin)) return origin;
    }
    return null;
  }
  var target = framingOrigin();
  body.setAttribute('data-framed', window.parent === window ? 'false' : target ? 'true' : 'refused');

  function post(eventType, object, message, data) {
    if (!target) return;
    var payload = { event_type: eventType, object: object };
    // Absent on PORTAL_LOAD_FAILURE, as Scalekit documents it (and whenever the link is unknown).
    if (cfg.organizationId && eventType !== 'PORTAL_LOAD_FAILURE') payload.organization_id = cfg.organizationId;
    payload.message = message;
    payload.data = data;
    window.parent.postMessage(payload, target);
  }

  var live = document.getElementById('portal-live');
  function announce(text) { live.textContent = ''; setTimeout(function () { live.textContent = text; }, 30); }

  if (cfg.state === 'expired') {
    post('PORTAL_LOAD_FAILURE', 'session', 'The admin portal failed to load', { error_code: 'SESSION_EXPIRED' });
    return;
  }

  // --- session timers --------------------------------------------------------------------------------
  var loadedAt = Date.now();
  var expiresAtMs = loadedAt + cfg.remainingMs;
  var expiry = new Date(expiresAtMs).toISOString();
  var over = false;
  function later(ms, fn) { // setTimeout overflows past ~24.8 days; chain instead
    var max = 2147483000;
    return setTimeout(ms > max ? function () { later(ms - max, fn); } : fn, Math.max(0, Math.min(ms, max)));
  }
  function describeLeft(ms) {
    var minutes = Math.round(ms / 60000);
    if (minutes >= 1) return minutes + (minutes === 1 ? ' minute' : ' minutes');
    var seconds = Math.max(1, Math.round(ms / 1000));
    return seconds + (seconds === 1 ? ' second' : ' seconds');
  }
  document.getElementById('session-expiry').textContent =
    new Date(expiresAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  document.getElementById('session-expiry').setAttribute('datetime', expiry);

  post('PORTAL_LOAD_SUCCESS', 'session', 'The admin portal loaded successfully', { expiry: expiry });

  later(Math.max(0, cfg.remainingMs - cfg.warningMs), function () {
    if (over) return;
    var text = 'The admin portal session will expire in ' + describeLeft(Math.min(cfg.warningMs, cfg.remainingMs));
    var banner = document.getElementById('session-banner');
    banner.hidden = false;
    banner.setAttribute('data-state', 'warning');
    document.getElementById('session-banner-text').textContent = text + '.';
    post('PORTAL_SESSION_WARNING', 'session', text, { expiry: expiry });
  });
  function endSession() {
    if (over) return;
    over = true;
    body.setAttribute('data-session', 'expired');
    var controls = document.querySelectorAll('main button, main select, main input');
    for (var i = 0; i < controls.length; i++) controls[i].disabled = true;
    var banner = document.getElementById('session-banner');
    banner.hidden = false;
    banner.setAttribute('data-state', 'expired');
    banner.setAttribute('role', 'alert');
    document.getElementById('session-banner-text').textContent =
      'This session has ended. Return to the app to open the admin portal again.';
    post('PORTAL_SESSION_EXPIRY', 'session', 'The admin portal session has expired', { expiry: expiry });
    document.dispatchEvent(new Event('scalekit-emulator:session-expired'));
  }
  later(cfg.remainingMs, endSession);

  // The session can also end early: the host deleted the link it was opened through. The server holds this
  // request until then (401: the session is already gone); on a network failure, ask again a little later.
  function watchSession() {
    if (over) return;
    fetch(cfg.apiBase + '/session/wait', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-portal-session': cfg.sessionToken },
      body: '{}'
    }).then(function (res) {
      if (res.status === 401) return endSession();
      if (!res.ok) throw new Error('session wait failed');
      return res.json().then(function (json) { if (json.ended) endSession(); else watchSession(); });
    }).catch(function () { if (!over) setTimeout(watchSession, 5000); });
  }
  watchSession();

  // --- talking to the emulator ----------------------------------------------------------------------
  function api(path, payload) {
    return fetch(cfg.apiBase + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-portal-session': cfg.sessionToken },
      body: JSON.stringify(payload)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error((json.error && json.error.message) || ('Request failed (' + res.status + ')'));
        return json;
      });
    });
  }
  function busy(section, on) {
    section.setAttribute('aria-busy', on ? 'true' : 'false');
    var controls = section.querySelectorAll('button, select');
    for (var i = 0; i < controls.length; i++) if (!controls[i].hasAttribute('data-keep')) controls[i].disabled = on || over;
  }
  function showError(id, message) { var el = document.getElementById(id); el.textContent = message || ''; }

  // --- SSO -------------------------------------------------------------------------------------------
  var sso = document.getElementById('sso-section');
  if (sso) {
    var ssoProvider = document.getElementById('sso-provider');
    var renderSso = function (connection) {
      var enabled = Boolean(connection && connection.enabled);
      sso.setAttribute('data-enabled', String(enabled));
      document.getElementById('sso-status').textContent = enabled ? 'Enabled' : connection ? 'Disabled' : 'Not configured';
      document.getElementById('sso-status').setAttribute('data-state', enabled ? 'on' : 'off');
      if (connection) ssoProvider.value = connection.choice;
      ssoProvider.disabled = enabled || over;
      document.getElementById('sso-enable').hidden = enabled;
      document.getElementById('sso-disable').hidden = !enabled;
      var choice = cfg.ssoChoices[ssoProvider.value];
      document.getElementById('sso-protocol').textContent = choice.type;
      document.getElementById('sso-sp-saml').hidden = choice.type !== 'SAML';
      document.getElementById('sso-sp-oidc').hidden = choice.type !== 'OIDC';
    };
    ssoProvider.addEventListener('change', function () { renderSso(cfg.sso && cfg.sso.enabled ? cfg.sso : null); });
    var toggleSso = function (enabled) {
      busy(sso, true);
      showError('sso-error', '');
      api('/sso', { provider: ssoProvider.value, enabled: enabled }).then(function (json) {
        cfg.sso = json.connection;
        busy(sso, false);
        renderSso(json.connection);
        var c = json.connection;
        announce(enabled ? 'Single sign-on enabled.' : 'Single sign-on disabled.');
        if (json.changed) {
          post(enabled ? 'ORGANIZATION_SSO_ENABLED' : 'ORGANIZATION_SSO_DISABLED', 'connection',
            enabled ? 'Single sign-on connection enabled successfully' : 'Single sign-on connection disabled successfully',
            { connection_type: 'SSO', id: c.id, type: c.type, provider: c.provider, enabled: c.enabled });
        }
        (enabled ? document.getElementById('sso-disable') : document.getElementById('sso-enable')).focus();
      }, function (error) {
        busy(sso, false);
        renderSso(cfg.sso);
        showError('sso-error', error.message);
      });
    };
    document.getElementById('sso-enable').addEventListener('click', function () { toggleSso(true); });
    document.getElementById('sso-disable').addEventListener('click', function () { toggleSso(false); });
    renderSso(cfg.sso);
  }

  // --- directory sync --------------------------------------------------------------------------------
  var dir = document.getElementById('directory-section');
  if (dir) {
    var dirProvider = document.getElementById('dir-provider');
    var renderDir = function (directory) {
      var enabled = Boolean(directory && directory.enabled);
      dir.setAttribute('data-enabled', String(enabled));
      document.getElementById('dir-status').textContent = enabled ? 'Enabled' : 'Disabled';
      document.getElementById('dir-status').setAttribute('data-state', enabled ? 'on' : 'off');
      if (directory) dirProvider.value = directory.provider;
      dirProvider.disabled = enabled || over;
      document.getElementById('dir-enable').hidden = enabled;
      document.getElementById('dir-disable').hidden = !enabled;
    };
    var toggleDir = function (enabled) {
      busy(dir, true);
      showError('dir-error', '');
      api('/directory', { provider: dirProvider.value, enabled: enabled }).then(function (json) {
        cfg.directory = json.directory;
        busy(dir, false);
        renderDir(json.directory);
        var d = json.directory;
        announce(enabled ? 'Directory sync enabled.' : 'Directory sync disabled.');
        if (json.changed) {
          post(enabled ? 'ORGANIZATION_DIRECTORY_ENABLED' : 'ORGANIZATION_DIRECTORY_DISABLED', 'directory',
            enabled ? 'SCIM Provisioning enabled successfully' : 'SCIM Provisioning disabled successfully',
            { directory_type: 'SCIM', id: d.id, provider: d.provider, enabled: d.enabled });
        }
        // the simulated IdP re-reads its state on this
        document.dispatchEvent(new CustomEvent('scalekit-emulator:directory-changed', { detail: { enabled: d.enabled } }));
        (enabled ? document.getElementById('dir-disable') : document.getElementById('dir-enable')).focus();
      }, function (error) {
        busy(dir, false);
        renderDir(cfg.directory);
        showError('dir-error', error.message);
      });
    };
    document.getElementById('dir-enable').addEventListener('click', function () { toggleDir(true); });
    document.getElementById('dir-disable').addEventListener('click', function () { toggleDir(false); });
    renderDir(cfg.directory);
  }

  // --- domains -------------------------------------------------------------------------------------
  var domainSection = document.getElementById('domain-section');
  if (domainSection) {
    var domainList = document.getElementById('domain-list');
    var domainInput = document.getElementById('domain-input');
    var STATUS_TEXT = { PENDING: 'Pending verification', VERIFIED: 'Verified', FAILED: 'Verification failed' };
    var domainApi = function (path, payload) {
      return fetch(cfg.domainApiBase + path, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-portal-session': cfg.sessionToken },
        body: JSON.stringify(payload)
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (!res.ok) throw new Error((json.error && json.error.message) || ('Request failed (' + res.status + ')'));
          return json;
        });
      });
    };
    var el = function (tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    };
    var copyField = function (label, value, className) {
      var row = el('div', 'row');
      var input = el('input', className);
      input.readOnly = true;
      input.value = value;
      input.setAttribute('aria-label', label);
      input.setAttribute('data-label', label);
      var copy = el('button', 'domain-copy', 'Copy');
      copy.type = 'button';
      copy.setAttribute('data-keep', '');
      copy.setAttribute('aria-label', 'Copy ' + label);
      copy.addEventListener('click', function () { copyText(copy, input); });
      row.appendChild(input);
      row.appendChild(copy);
      return row;
    };
    var renderDomains = function (domains) {
      cfg.domains = domains;
      while (domainList.firstChild) domainList.removeChild(domainList.firstChild);
      domains.forEach(function (d) {
        var item = el('li');
        item.setAttribute('data-domain', d.domain);
        item.setAttribute('data-status', d.status);
        var head = el('div', 'domain-head');
        head.appendChild(el('span', 'domain-name', d.domain));
        var badge = el('span', 'badge domain-status', STATUS_TEXT[d.status] || d.status);
        badge.setAttribute('data-state', d.status === 'VERIFIED' ? 'on' : d.status === 'FAILED' ? 'failed' : 'off');
        head.appendChild(badge);
        item.appendChild(head);
        if (d.status !== 'VERIFIED') {
          item.appendChild(el('p', 'hint', 'Add this TXT record at your DNS provider, then select Verify.'));
          var name = el('div', 'field');
          name.appendChild(el('span', 'label', 'TXT record name'));
          name.appendChild(copyField('TXT record name for ' + d.domain, d.txtRecord.name, 'domain-txt-name'));
          item.appendChild(name);
          var value = el('div', 'field');
          value.appendChild(el('span', 'label', 'TXT record value'));
          value.appendChild(copyField('TXT record value for ' + d.domain, d.txtRecord.value, 'domain-txt-value'));
          item.appendChild(value);
        }
        var actions = el('div', 'actions');
        if (d.status !== 'VERIFIED') {
          var verify = el('button', 'primary domain-verify', 'Verify');
          verify.type = 'button';
          verify.setAttribute('aria-label', 'Verify ' + d.domain);
          verify.addEventListener('click', function () { domainAction('/verify', d); });
          actions.appendChild(verify);
        }
        var remove = el('button', 'danger domain-delete', 'Delete');
        remove.type = 'button';
        remove.setAttribute('aria-label', 'Delete ' + d.domain);
        remove.addEventListener('click', function () { domainAction('/delete', d); });
        actions.appendChild(remove);
        item.appendChild(actions);
        domainList.appendChild(item);
      });
      if (over) busy(domainSection, true);
    };
    var domainAction = function (path, d) {
      busy(domainSection, true);
      showError('domain-error', '');
      domainApi(path, { id: d.id }).then(function (json) {
        busy(domainSection, false);
        renderDomains(json.domains);
        if (path === '/delete') announce(d.domain + ' deleted.');
        else announce(json.verified ? d.domain + ' verified.' : 'The TXT record for ' + d.domain + ' was not found. Check it and try again.');
      }, function (error) {
        busy(domainSection, false);
        showError('domain-error', error.message);
      });
    };
    var addDomain = function () {
      var name = domainInput.value.trim();
      if (!name) { showError('domain-error', 'Enter a domain, such as acme.com.'); domainInput.focus(); return; }
      busy(domainSection, true);
      showError('domain-error', '');
      domainApi('/add', { domain: name }).then(function (json) {
        busy(domainSection, false);
        domainInput.value = '';
        renderDomains(json.domains);
        announce(json.domain.domain + ' added. Publish its TXT record, then verify it.');
      }, function (error) {
        busy(domainSection, false);
        showError('domain-error', error.message);
        domainInput.focus();
      });
    };
    document.getElementById('domain-add').addEventListener('click', addDomain);
    domainInput.addEventListener('keydown', function (event) { if (event.key === 'Enter') addDomain(); });
    renderDomains(cfg.domains || []);
  }

  // --- copy buttons ----------------------------------------------------------------------------------
  function copyText(button, input) {
    var done = function (ok) {
      button.setAttribute('data-copied', ok ? 'true' : 'false');
      button.textContent = ok ? 'Copied' : 'Copy';
      announce(ok ? input.getAttribute('data-label') + ' copied to the clipboard.' :
        'Copying is blocked here: the text is selected, press Ctrl+C or Cmd+C.');
      if (!ok) { input.focus(); input.select(); }
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  }
  var copyButtons = document.querySelectorAll('[data-copy]');
  for (var i = 0; i < copyButtons.length; i++) {
    copyButtons[i].addEventListener('click', function (event) {
      var button = event.currentTarget;
      copyText(button, document.getElementById(button.getAttribute('data-copy')));
    });
  }
  var reveal = document.getElementById('dir-token-reveal');
  if (reveal) {
    reveal.addEventListener('click', function () {
      var token = document.getElementById('dir-token');
      var show = token.type === 'password';
      token.type = show ? 'text' : 'password';
      reveal.textContent = show ? 'Hide' : 'Show';
      reveal.setAttribute('aria-pressed', String(show));
    });
  }
})();
`;
