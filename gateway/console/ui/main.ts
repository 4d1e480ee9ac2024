// The console's shell: sign in, navigation between screens (the URL fragment names the screen only,
// never a secret), and one polite live region that announces what each action did.
import { ApiError, identity, resumeSession, signIn, signOut } from './api.js';
import { clear, field, h } from './dom.js';
import { screens, type Screen } from './screens.js';
import { statusRegion } from './status.js';

const app = document.getElementById('app')!;

function signInScreen(sso: boolean): void {
  const tokenInput = h('input', { type: 'password', autocomplete: 'off', required: true, spellcheck: false });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'termsgate console'),
    h('p', {}, 'Sign in with your control-plane token. It is kept in this tab only, and forgotten when you close or reload it.'),
    field('Control-plane token', tokenInput),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
    sso ? h('p', {}, 'Or ', h('a', { href: '/console/auth/login', id: 'sso' }, 'sign in with single sign-on'), '.') : null,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await signIn(tokenInput.value.trim());
      tokenInput.value = '';
      shell();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? 'That token was not accepted.' : `Could not sign in: ${(err as Error).message}`;
      tokenInput.focus();
    }
  });
  clear(app, h('main', { id: 'main' }, form));
  tokenInput.focus();
}

const main = h('main', { id: 'main', tabindex: -1 });
const nav = h('nav', { 'aria-label': 'Console sections' });

function shell(): void {
  const visible = screens.filter((s) => s.visible());
  clear(
    nav,
    h('ul', {}, visible.map((s) => h('li', {}, h('a', { href: `#/${s.path}`, 'data-screen': s.path }, s.title)))),
  );
  const who = h('span', { class: 'who' }, `Signed in as ${identity!.id} (${identity!.role})`);
  const out = h('button', { type: 'button', class: 'secondary', onclick: async () => { await signOut(); location.hash = ''; signInScreen(ssoOffered); } }, 'Sign out');
  clear(app, h('header', {}, h('span', { class: 'brand' }, 'termsgate'), nav, who, out), statusRegion, main);
  if (!location.hash || location.hash === '#/') location.hash = `#/${visible[0].path}`;
  else void route();
}

async function route(): Promise<void> {
  if (!identity) return;
  const [path, ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const screen: Screen | undefined = screens.find((s) => s.path === path && s.visible());
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.screen === screen?.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!screen) {
    clear(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no such screen, or your role may not open it.'));
    return;
  }
  document.title = `${screen.title} · termsgate console`;
  clear(main, h('h1', {}, screen.title), h('p', { class: 'loading' }, 'Loading…'));
  try {
    await screen.render(main, params);
  } catch (err) {
    clear(main, h('h1', {}, screen.title), h('p', { class: 'error', role: 'alert' }, `Could not load: ${(err as Error).message}`));
  }
  main.focus();
}

let ssoOffered = false;
window.addEventListener('hashchange', () => void route());
void resumeSession().then(
  ({ signedIn, offered }) => {
    ssoOffered = offered;
    if (signedIn) shell();
    else signInScreen(offered);
  },
  () => signInScreen(false),
);
