// The console's shell: who is signed in, which organisation, the navigation, and the hash router
// (#/o/<org>/<page>[?query], e.g. #/o/acme/use?os=prod). Every page is a module rendering from
// the public /v1 API.
import { ApiError, get, post, whenSignedOut } from './api.js';
import { clear, h, loading, notice } from './dom.js';
import { renderSignIn, renderInvite, renderReset } from './page-auth.js';
import { renderSetup } from './page-setup.js';
import { renderOrgs } from './page-orgs.js';
import { renderOSList } from './page-os.js';
import { renderOSSettings } from './page-os-settings.js';
import { renderMembers } from './page-members.js';
import { renderAccess } from './page-access.js';
import { renderTokens } from './page-tokens.js';
import { renderAudit } from './page-audit.js';
import { renderUse } from './page-use.js';
import { renderAccount } from './page-account.js';
import { renderSettings } from './page-settings.js';

const root = document.getElementById('app');
const state = { me: null };

const PAGES = [
  ['os', 'OSes', renderOSList, 'member'],
  ['use', 'Use the OS', renderUse, 'member'],
  ['members', 'Members', renderMembers, 'admin'],
  ['access', 'Access', renderAccess, 'member'],
  ['tokens', 'Tokens', renderTokens, 'member'],
  ['audit', 'Audit', renderAudit, 'admin'],
  ['settings', 'Settings', renderSettings, 'admin'],
];

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function loadMe() {
  try {
    state.me = await get('/v1/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) state.me = null;
    else throw error;
  }
  return state.me;
}

function joined() {
  return (state.me?.memberships ?? []).filter((m) => !m.disabled);
}

function header(org, current) {
  const memberships = joined();
  const switcher = h('select', { id: 'org-switch', 'aria-label': 'Organisation' },
    memberships.map((m) => h('option', { value: m.organization.slug, selected: m.organization.slug === org }, m.organization.name)),
    h('option', { value: '' }, 'All organisations…'));
  switcher.addEventListener('change', () => navigate(switcher.value ? `#/o/${switcher.value}/os` : '#/orgs'));
  const role = memberships.find((m) => m.organization.slug === org)?.role;
  const links = org
    ? PAGES.filter(([, , , need]) => need === 'member' || role === 'admin' || role === 'owner')
      .map(([key, label]) => h('a', { href: `#/o/${org}/${key}`, class: key === current ? 'active' : '', 'aria-current': key === current ? 'page' : false, id: `nav-${key}` }, label))
    : [];
  const signOut = h('button', { type: 'button', id: 'sign-out', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    try { await post('/v1/auth/logout'); } catch { /* already gone */ }
    state.me = null;
    navigate('#/signin');
  });
  return h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('a', { href: '#/' }, 'AgentOS Control Plane')),
    memberships.length ? switcher : null,
    h('nav', { 'aria-label': 'Pages' }, links),
    h('div', { class: 'who' }, h('a', { href: '#/account', id: 'nav-account', class: current === 'account' ? 'active' : '' }, state.me.user.email), signOut));
}

async function route() {
  const main = h('main', { id: 'main', tabindex: -1 });
  // The first visit asks who is signed in before anything else: never a blank page meanwhile.
  if (!root.hasChildNodes()) root.append(h('main', { id: 'main' }, loading()));
  if (location.pathname.replace(/\/+$/, '') === '/console/invite') {
    await loadMe().catch(() => null);
    clear(root, main);
    return renderInvite(main, { me: state.me, navigate, reload: loadMe });
  }
  if (location.pathname.replace(/\/+$/, '') === '/console/setup') {
    // The first owner of a fresh control plane (the link `serve` printed): nobody is signed in yet.
    clear(root, main);
    return renderSetup(main, { navigate, reload: loadMe });
  }
  if (location.pathname.replace(/\/+$/, '') === '/console/reset') {
    // Nobody is signed in to redeem a reset: the code is the credential.
    clear(root, main);
    return renderReset(main);
  }
  // The query after the page (`?os=prod`) is the page's, not part of its name.
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split(/\?(.*)/s);
  const query = new URLSearchParams(search);
  // A segment that does not decode (`%`) is no page; nor is `.` or `..` as an org, OS or any id:
  // pages put ids in API paths, where the browser would resolve them (`#/o/org1/os/..` would
  // fetch /v1/orgs/org1).
  const decode = (segment) => { try { return decodeURIComponent(segment); } catch { return null; } };
  const parts = path.split('/').filter(Boolean).map(decode);
  const malformed = parts.some((part) => part === null || part === '.' || part === '..');
  if (!state.me) await loadMe();
  if (!state.me || parts[0] === 'signin') {
    if (state.me) return navigate('#/');
    clear(root, main);
    return renderSignIn(main, { navigate, reload: loadMe });
  }
  if (malformed) {
    clear(root, header(joined()[0]?.organization.slug ?? null, ''), main);
    return clear(main, notice('No such page. Pick one from the navigation.', 'error'));
  }
  let org = null, page = parts[0] ?? '', rest = [];
  if (parts[0] === 'o' && parts[1]) [org, page, ...rest] = [parts[1], parts[2] ?? 'os', ...parts.slice(3)];
  if (!org && page === '') {
    const first = joined()[0];
    return navigate(first ? `#/o/${first.organization.slug}/os` : '#/orgs');
  }
  // Pages outside an organisation (account, organisations) keep the navigation of the first one.
  clear(root, header(org ?? joined()[0]?.organization.slug ?? null, page === 'os' && rest.length ? 'os' : page), main);
  const context = { me: state.me, org, params: rest, query, navigate, reload: loadMe, role: joined().find((m) => m.organization.slug === org)?.role };
  // Until the page's first fetch answers (each page replaces <main> when it renders).
  main.append(loading());
  try {
    if (page === 'orgs') return await renderOrgs(main, context);
    if (page === 'account') return await renderAccount(main, context);
    if (page === 'os' && rest.length) return await renderOSSettings(main, context);
    const entry = PAGES.find(([key]) => key === page);
    if (!entry || !org) return clear(main, notice('No such page. Pick one from the navigation.', 'error'));
    await entry[2](main, context);
  } catch (error) {
    main.querySelector('#loading')?.remove();
    main.append(notice(error.message || String(error), 'error'));
  }
  main.focus({ preventScroll: true });
}

whenSignedOut(() => { state.me = null; navigate('#/signin'); });
window.addEventListener('hashchange', () => { route(); });
route();
