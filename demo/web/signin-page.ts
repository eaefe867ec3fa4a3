// The employee sign-in page (`/signin`): a work email starts home-realm discovery on the server. When a sign-in
// could not go on, the server answers this page with a notice on <body> (`data-notice`, and `data-domain` or
// `data-detail`), and this script says what happened and what to do next. Everything is set as text.
import type { SignInNotice } from '../shared/api-types.js';

const EMAIL_KEY = 'northwind.signin.email';

const form = document.getElementById('signin-form') as HTMLFormElement;
const input = document.getElementById('signin-email') as HTMLInputElement;
const notice = document.getElementById('signin-notice')!;
const title = document.getElementById('notice-title')!;
const text = document.getElementById('notice-text')!;
const next = document.getElementById('notice-next')!;

type Copy = { title: string; text: string; next: string; tone: 'info' | 'warn' | 'danger' };

function copyFor(code: SignInNotice, domain: string, detail: string): Copy {
  switch (code) {
    case 'invalid_email':
      return { tone: 'warn', title: "That doesn't look like a work email", text: 'Enter your full work address, like you@company.com.', next: '' };
    case 'domain_not_verified':
      return {
        tone: 'info',
        title: `${domain} is not set up for sign-in yet`,
        text: `Northwind signs you in through your company's identity provider once your company has verified ${domain} with Northwind and turned on single sign-on.`,
        next: `Ask your IT admin to add and verify ${domain} in Northwind's admin portal (Settings › Security, Domains) and to turn on SSO there, then try again.`,
      };
    case 'sso_not_enabled':
      return {
        tone: 'info',
        title: `Single sign-on is not on for ${domain} yet`,
        text: `Your company verified ${domain}, but has not turned single sign-on on.`,
        next: "Ask your IT admin to turn on SSO in Northwind's admin portal (Settings › Security), then try again.",
      };
    case 'not_provisioned':
      return {
        tone: 'danger',
        title: 'Your directory has not given you access to Northwind',
        text: "Your company's identity provider signed you in, but your company's directory has not provisioned you for Northwind.",
        next: 'Ask your IT admin to give you access to Northwind in your directory.',
      };
    case 'deactivated':
      return {
        tone: 'danger',
        title: 'Your account is deactivated',
        text: "Your organization's directory deactivated your Northwind account, so Northwind refused the sign-in.",
        next: 'If this is a mistake, ask your IT admin.',
      };
    case 'sso_failed':
      return {
        tone: 'danger',
        title: 'Your identity provider did not sign you in',
        text: detail || 'The sign-in was refused.',
        next: 'If your directory deactivated your account, ask your IT admin.',
      };
    case 'sso_state_invalid':
      return { tone: 'warn', title: 'This sign-in expired', text: 'Start again: a sign-in must finish within 10 minutes, in this browser.', next: '' };
    case 'ended_by_directory':
      return {
        tone: 'danger',
        title: 'You have been signed out',
        text: "Your organization's directory deactivated your account; you have been signed out.",
        next: 'If this is a mistake, ask your IT admin.',
      };
    case 'unavailable':
    default:
      return { tone: 'warn', title: 'Sign-in is unavailable right now', text: 'Please try again in a minute.', next: '' };
  }
}

const code = document.body.dataset['notice'] as SignInNotice | undefined;
if (code) {
  const copy = copyFor(code, document.body.dataset['domain'] ?? 'your domain', document.body.dataset['detail'] ?? '');
  notice.dataset['code'] = code;
  notice.dataset['tone'] = copy.tone;
  notice.className = `callout ${copy.tone === 'info' ? '' : copy.tone}`.trim();
  title.textContent = copy.title;
  text.textContent = copy.text;
  next.textContent = copy.next;
  next.hidden = copy.next === '';
  notice.hidden = false;
  document.title = `${copy.title} · Northwind`;
}

// The address typed last comes back after a refusal, so the person can fix it rather than retype it.
try {
  input.value = sessionStorage.getItem(EMAIL_KEY) ?? '';
  form.addEventListener('submit', () => sessionStorage.setItem(EMAIL_KEY, input.value.trim()));
} catch {
  // Storage can be off (private modes); the form works without it.
}
