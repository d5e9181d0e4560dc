// The first-run setup page, `/console/setup#cpf_…`: the link `controlplane serve` prints while no
// organisation exists (docs/security.md, 3.11). Whoever holds its code creates the first
// organisation and becomes its owner, choosing their own password, and is signed in.
import { ApiError, get, post } from './api.js';
import { clear, field, form, h, loading, notice } from './dom.js';
import { withCode } from './envblock.js';

const RESTART = 'Restart `controlplane serve` for a new link: it prints one while no organisation exists (or writes it to `.controlplane/setup-link`).';

/** A slug from an organisation's name: lower-case letters, digits and dashes (the server's rule). */
export function slugFrom(name) {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
}

export async function renderSetup(main, { navigate, reload }) {
  // The code leaves the address bar (and the current history entry) at once; this page keeps it in
  // memory only. The browser's history may still keep the link as opened (docs/console.md).
  let code = '';
  try { code = decodeURIComponent(location.hash.replace(/^#/, '')); } catch { code = ''; }
  history.replaceState(null, '', '/console/setup');
  const card = h('section', { class: 'card', id: 'setup' });
  clear(main, h('div', { class: 'narrow' }, h('h1', {}, 'AgentOS Control Plane'), card));
  const show = (title, ...content) => clear(card, h('h2', {}, title), content);
  const finished = () => show('Setup is done',
    h('div', { id: 'setup-done' }, notice('This control plane already has an organisation: sign in instead, or ask its owner for an invitation.', 'info')),
    h('a', { href: '/console#/signin', class: 'button primary', id: 'setup-signin' }, 'Go to sign-in'));
  const refused = () => show('This link does not work',
    h('div', { id: 'setup-invalid' }, notice(['This setup link is unknown, used or expired. ', withCode(RESTART)], 'error')));

  if (!code.startsWith('cpf_')) {
    return show('Set up this control plane', h('div', { id: 'setup-no-code' },
      notice(withCode('This link has no setup code. Open the full link `controlplane serve` printed (…/console/setup#cpf_…), or the one in `.controlplane/setup-link`.'), 'error')));
  }
  show('Set up this control plane', loading('Checking the setup link…'));
  try {
    if (!(await get('/v1/setup')).open) return finished();
  } catch (error) {
    return show('Set up this control plane', notice(`Cannot reach the control plane: ${error.message}`, 'error'));
  }

  const setup = form('setup', [
    field('setup', { name: 'org_name', label: 'Organisation name', required: true, placeholder: 'Acme', autocomplete: 'organization' }),
    field('setup', { name: 'slug', label: 'Organisation slug', required: true, placeholder: 'acme', hint: 'Lower-case letters, digits and dashes; part of every URL and CLI command.' }),
    field('setup', { name: 'name', label: 'Your name', required: true, autocomplete: 'name' }),
    field('setup', { name: 'email', label: 'Your email', type: 'email', required: true, autocomplete: 'username' }),
    field('setup', { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '8 to 72 characters; not your email or a common password.' }),
    field('setup', { name: 'confirm', label: 'Repeat the password', type: 'password', required: true, autocomplete: 'new-password' }),
  ], 'Create the organisation and sign in', async (values) => {
    if (values.password !== values.confirm) throw Object.assign(new Error('the two passwords differ'), { field: 'confirm' });
    let answer;
    try {
      answer = await post('/v1/setup', {
        code, organization: { slug: values.slug, name: values.org_name }, email: values.email, name: values.name, password: values.password,
      }, true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return refused();
      // 409: someone finished setup first, or the email has an account (then the server's words, under the email).
      if (error instanceof ApiError && error.status === 409) {
        const open = await get('/v1/setup').then((s) => s.open, () => true);
        if (!open) return finished();
        error.field = 'email';
      }
      throw error;
    }
    code = '';
    history.replaceState(null, '', '/console');
    await reload();
    navigate(`#/o/${answer.organization.slug}/os`);
  });
  // The slug follows the name until someone edits it.
  const orgName = setup.querySelector('#setup-org_name');
  const slug = setup.querySelector('#setup-slug');
  let slugEdited = false;
  slug.addEventListener('input', () => { slugEdited = slug.value !== ''; });
  orgName.addEventListener('input', () => { if (!slugEdited) slug.value = slugFrom(orgName.value); });
  show('Set up this control plane',
    h('p', {}, 'Create the first organisation and its owner: you. You choose your password here; nobody else ever sets or learns it.'),
    setup,
    h('p', { class: 'hint' }, withCode('This link works once, within an hour of `controlplane serve` printing it.')));
  orgName.focus();
}
