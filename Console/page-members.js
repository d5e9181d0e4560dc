// Members: invite (the link shown once), pending invitations, roles, disable, remove.
import { enc, get, patch, post, del } from './api.js';
import { ask, clear, field, form, h, notice, section, secret, table, when } from './dom.js';

export function inviteLink(code) {
  return `${location.origin}/console/invite#${code}`;
}

export async function renderMembers(main, context) {
  const { org, me, role } = context;
  const base = `/v1/orgs/${enc(org)}`;
  const [{ members }, { invitations }] = await Promise.all([get(`${base}/members`), get(`${base}/invitations`)]);
  const rerender = () => renderMembers(main, context);
  const owner = role === 'owner';
  const link = h('div', { id: 'invite-link' });
  const run = (label, id, fn, kind) => {
    const button = h('button', { type: 'button', id, class: kind }, label);
    button.addEventListener('click', async () => {
      try { await fn(); } catch (error) { button.after(notice(error.message, 'error')); }
    });
    return button;
  };
  const showCode = (answer, email) => clear(link,
    notice(`Invitation for ${email}: send this link to them yourself. It works once, for 7 days.`, 'success'),
    secret('Invitation link', inviteLink(answer.invitation.code), 'invite-url'));

  const memberRows = members.map((m) => {
    const self = m.user.id === me.user.id;
    const roles = ['member', 'admin'].concat(owner ? ['owner'] : []);
    const select = h('select', { 'aria-label': `Role of ${m.user.email}`, id: `role-${m.user.email}`, disabled: self || (m.role === 'owner' && !owner) },
      (roles.includes(m.role) ? roles : roles.concat(m.role)).map((r) => h('option', { value: r, selected: r === m.role }, r)));
    select.addEventListener('change', async () => {
      try { await patch(`${base}/members/${enc(m.user.id)}`, { role: select.value }); await rerender(); } catch (error) { select.after(notice(error.message, 'error')); }
    });
    return [
      h('span', {}, m.user.name, h('br'), h('small', {}, m.user.email)), select,
      h('span', { class: `badge ${m.state}` }, m.disabled ? 'disabled' : m.state), when(m.created_at),
      self ? h('small', {}, 'you') : h('div', { class: 'row-actions' },
        run(m.disabled ? 'Enable' : 'Disable', `disable-${m.user.email}`, async () => { await patch(`${base}/members/${enc(m.user.id)}`, { disabled: !m.disabled }); await rerender(); }),
        m.state === 'invited' ? run('New link', `reinvite-${m.user.email}`, async () => showCode(await post(`${base}/invitations`, { user: m.user.id }), m.user.email)) : null,
        run('Remove', `remove-${m.user.email}`, async () => {
          if (!ask(`Remove ${m.user.email} from ${org}, with their bindings and grants here?`)) return;
          await del(`${base}/members/${enc(m.user.id)}`);
          await rerender();
        }, 'danger')),
    ];
  });
  const invitationRows = invitations.map((i) => [i.user.email, i.role, h('span', { class: `badge ${i.state}` }, i.state), when(i.expires_at),
    run('Revoke', `revoke-invitation-${i.user.email}`, async () => { await del(`${base}/invitations/${enc(i.id)}`); await rerender(); }, 'danger')]);

  clear(main,
    h('h1', {}, 'Members'),
    section('Invite someone',
      form('invite-member', [
        field('invite-member', { name: 'email', label: 'Email', type: 'email', required: true }),
        field('invite-member', { name: 'name', label: 'Name', required: true }),
        field('invite-member', { name: 'role', label: 'Role', options: ['member', 'admin'].concat(owner ? ['owner'] : []), value: 'member' }),
      ], 'Invite', async ({ email, name, role: memberRole }, el) => {
        const answer = await post(`${base}/members`, { email, name, role: memberRole });
        el.reset();
        await rerender();
        showCode(answer, email);
        main.querySelector('#invite-link').replaceWith(link);
      }),
      link),
    section('Members', table(['Name', 'Role', 'State', 'Since', ''], memberRows, 'Nobody here yet: invite someone above.')),
    section('Pending invitations', table(['Email', 'Role', 'State', 'Expires', ''], invitationRows, 'No open invitations.')));
}
