// Organisation settings (admins and owners): its name, whether admins and owners need two-factor
// authentication (require_mfa), and deleting it (owners), with what goes spelled out first.
import { ApiError, enc, get, getAll, patch, del } from './api.js';
import { clear, field, form, h, notice, section, when } from './dom.js';

export async function renderSettings(main, context) {
  const { org, me, role, reload, navigate } = context;
  const owner = role === 'owner';
  // A member opening this page by its URL sees the settings, not forms the server would refuse.
  const admin = role === 'admin' || owner;
  const base = `/v1/orgs/${enc(org)}`;
  // What a deletion takes with it, counted for the owner who may delete.
  const [organisation, os, members] = await Promise.all([
    get(base),
    owner ? getAll(`${base}/os`, 'os').then((r) => r.os) : null,
    owner ? getAll(`${base}/members`, 'members').then((r) => r.members) : null,
  ]);
  const rerender = () => renderSettings(main, context);
  const mfaOut = h('div', { id: 'org-mfa-result', 'aria-live': 'polite' });
  const hasTOTP = me.mfa?.totp === true;

  const mfaButton = h('button', { type: 'button', id: 'org-mfa-toggle', class: organisation.require_mfa ? '' : 'primary' },
    organisation.require_mfa ? 'Stop requiring two-factor authentication' : 'Require two-factor authentication');
  mfaButton.addEventListener('click', async () => {
    mfaButton.disabled = true;
    try {
      await patch(base, { require_mfa: !organisation.require_mfa });
      await rerender();
    } catch (error) {
      // 409: the server refuses to lock out the admin turning it on without TOTP of their own.
      clear(mfaOut, notice(error instanceof ApiError && error.status === 409
        ? `Refused: ${error.message.replace(/\.?$/, '.')} Set up an authenticator app under Your account first.`
        : error.message, 'error'));
      mfaButton.disabled = false;
    }
  });

  clear(main,
    h('h1', {}, 'Settings'),
    h('p', { class: 'crumbs' }, `${organisation.name} · slug `, h('code', {}, organisation.slug), ` · created ${when(organisation.created_at)}`),
    admin ? section('Name',
      form('org-rename', [
        field('org-rename', { name: 'name', label: 'Name', value: organisation.name, required: true,
          hint: `Shown in the console and on invitations. The slug (${organisation.slug}) never changes: it is part of every URL and token.` }),
      ], 'Rename', async ({ name }) => {
        await patch(base, { name });
        await reload();
        // Drawn again from the server's answers: the header's organisation switcher shows the new name too.
        navigate(`#/o/${enc(org)}/settings`);
      })) : null,
    section('Two-factor authentication',
      h('p', {}, 'Now: ', h('strong', { id: 'org-mfa-state' }, organisation.require_mfa ? 'required for admins and owners' : 'not required')),
      h('p', { class: 'hint' }, 'When required, admins and owners without an authenticator app get 403 (mfa_required) on every route of this organisation, from the console and with their API keys, until they set one up. Members, service accounts and superuser keys are not affected.'),
      admin && !organisation.require_mfa && !hasTOTP
        ? notice('You have no authenticator app yourself: the control plane will refuse to turn this on for you. Set one up under Your account first.', 'info')
        : null,
      admin ? h('div', { class: 'actions' }, mfaButton) : h('p', { class: 'hint', id: 'org-settings-admins' }, 'Only admins and owners change these settings.'), mfaOut),
    owner ? deleteSection(organisation, os, members, { reload, navigate }) : null);
}

function deleteSection(organisation, os, members, { reload, navigate }) {
  const { slug } = organisation;
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const confirmField = field('org-delete', { name: 'confirm', label: `Type the slug (${slug}) to confirm`, autocomplete: 'off', required: true });
  const input = confirmField.querySelector('input');
  const deleteForm = form('org-delete', [confirmField], `Delete ${slug} for good`, async ({ confirm }) => {
    if (confirm !== slug) throw Object.assign(new Error(`type ${slug} exactly`), { field: 'confirm' });
    await del(`/v1/orgs/${enc(slug)}`);
    await reload();
    navigate('#/orgs');
  });
  const submit = deleteForm.querySelector('#org-delete-submit');
  submit.className = 'danger';
  submit.disabled = true;
  input.addEventListener('input', () => { submit.disabled = input.value.trim() !== slug; });
  return h('section', { class: 'card danger-zone', id: 'org-delete-section' },
    h('h2', {}, 'Delete the organisation'),
    h('p', {}, `Deleting ${organisation.name} cannot be undone. It removes, at once:`),
    h('ul', { id: 'org-delete-consequences' },
      h('li', {}, `every OS registered here (${plural(os.length, 'OS', 'OSes')}), with its signing keys: its JWKS and status lists are no longer published, so OSes that read the JWKS URL refuse every token;`),
      h('li', {}, `every member (${plural(members.length, 'member', 'members')}, you included), pending invitation, custom role, role binding, grant and service account;`),
      h('li', {}, 'every way to get a new token for it: nobody can issue one again.'),
      h('li', {}, 'Tokens already issued are not recalled: an OS that holds the public key itself (JWT_VERIFICATION_KEY or a JWKS file) accepts them until they expire. Stop or reconfigure those OSes.')),
    h('p', {}, 'The audit trail stays: the deletion is its last event, and a superuser key still reads it (', h('code', {}, `GET /v1/audit?org=${organisation.id}`),
      '). People keep their accounts and their other organisations. The slug becomes free for a new organisation.'),
    deleteForm);
}
