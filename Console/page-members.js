// Members: invite (the link shown once), pending invitations, roles, disable, remove, and a
// password-reset link for an active member (shown once). Every change that takes something from
// someone is confirmed first.
import { enc, getAll, getPages, patch, post, del } from './api.js';
import { ask, clear, field, form, h, notice, section, secret, table, when } from './dom.js';
import { person } from './subjects.js';

export function inviteLink(code) {
  return `${location.origin}/console/invite#${code}`;
}

/** Where a reset code is redeemed: the code in the fragment, which no browser sends to a server. */
export function resetLink(code) {
  return `${location.origin}/console/reset#${code}`;
}

const ROLE_MEANS = {
  member: 'a member sees the OSes and uses what is bound or granted to them',
  admin: 'an admin manages members (not owners), access, OSes and their keys, service accounts, and reads the audit trail',
  owner: 'an owner can do all an admin can, and also manage owners and delete the organisation',
};


/** Members come a page at a time (100 each, `pages` of them): an organisation of 100,000 loads no faster than its first page would otherwise. */
export async function renderMembers(main, context, pages = 1) {
  const { org, me, role } = context;
  const base = `/v1/orgs/${enc(org)}`;
  const [{ members, next_cursor: more }, { invitations }] = await Promise.all([
    getPages(`${base}/members`, 'members', { pages, limit: 100 }), getAll(`${base}/invitations`, 'invitations')]);
  const rerender = () => renderMembers(main, context, pages);
  const owner = role === 'owner';
  const link = h('div', { id: 'invite-link' });
  const resetOut = h('div', { id: 'reset-link', 'aria-live': 'polite' });
  const run = (label, id, fn, kind) => {
    const button = h('button', { type: 'button', id, class: kind }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try { await fn(); } catch (error) { button.after(notice(error.message, 'error')); } finally { button.disabled = false; }
    });
    return button;
  };
  const showCode = (answer, email) => clear(link,
    notice(`Invitation for ${email}: send this link to them yourself. It works once, for 7 days.`, 'success'),
    secret('Invitation link', inviteLink(answer.invitation.code), 'invite-url'));
  const showReset = (answer, m) => {
    clear(resetOut,
      notice(`Password reset for ${person(m.user)}: send this link to them yourself, over a channel you trust. It works once, until ${when(answer.expires_at)} (24 hours); whoever opens it chooses the password, and setting it ends every session and API key of the account. A newer link replaces this one.`, 'success'),
      secret('Reset link', resetLink(answer.code), 'reset-url'));
    resetOut.scrollIntoView({ block: 'nearest' });
  };

  const memberRows = members.map((m) => {
    const self = m.user.id === me.user.id;
    const who = person(m.user);
    const roles = ['member', 'admin'].concat(owner ? ['owner'] : []);
    const select = h('select', { 'aria-label': `Role of ${m.user.email}`, id: `role-${m.user.email}`, disabled: self || (m.role === 'owner' && !owner) },
      (roles.includes(m.role) ? roles : roles.concat(m.role)).map((r) => h('option', { value: r, selected: r === m.role }, r)));
    select.addEventListener('change', async () => {
      const next = select.value;
      if (!ask(`Make ${who} ${next === 'admin' ? 'an' : 'a'} ${next} of ${org} (now ${m.role})? ${ROLE_MEANS[next] ?? ''}.`)) {
        select.value = m.role;
        return;
      }
      try { await patch(`${base}/members/${enc(m.user.id)}`, { role: next }); await rerender(); } catch (error) { select.value = m.role; select.after(notice(error.message, 'error')); }
    });
    const active = m.state === 'active' && !m.disabled;
    return [
      h('span', {}, m.user.name, h('br'), h('small', {}, m.user.email)), select,
      h('span', { class: `badge ${m.disabled ? 'disabled' : m.state}` }, m.disabled ? 'disabled' : m.state), when(m.created_at),
      self ? h('small', {}, 'you') : h('div', { class: 'row-actions' },
        active && (m.role !== 'owner' || owner)
          ? run('Reset code', `reset-${m.user.email}`, async () => showReset(await post(`${base}/members/${enc(m.user.id)}/password-reset`), m))
          : null,
        run(m.disabled ? 'Enable' : 'Disable', `disable-${m.user.email}`, async () => {
          if (!m.disabled && !ask(`Disable ${who} in ${org}? They keep their account, bindings and grants, but every request of theirs here is refused (no tokens) until you enable them again.`)) return;
          await patch(`${base}/members/${enc(m.user.id)}`, { disabled: !m.disabled });
          await rerender();
        }),
        m.state === 'invited' ? run('New link', `reinvite-${m.user.email}`, async () => showCode(await post(`${base}/invitations`, { user: m.user.id }), m.user.email)) : null,
        run('Remove', `remove-${m.user.email}`, async () => {
          if (!ask(`Remove ${who} from ${org}, with their bindings and grants here? Their account stays.`)) return;
          await del(`${base}/members/${enc(m.user.id)}`);
          await rerender();
        }, 'danger')),
    ];
  });
  const invitationRows = invitations.map((i) => [person(i.user), i.role, h('span', { class: `badge ${i.state}` }, i.state), when(i.expires_at),
    run('Revoke', `revoke-invitation-${i.user.email}`, async () => {
      if (!ask(`Revoke the invitation of ${person(i.user)}? Their link stops working.`)) return;
      await del(`${base}/invitations/${enc(i.id)}`);
      await rerender();
    }, 'danger')]);

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
    section('Members',
      h('p', { class: 'hint' }, 'A reset code lets an active member who lost their password choose a new one: a link for them alone, shown here once.'),
      resetOut,
      table(['Name', 'Role', 'State', 'Since', ''], memberRows, 'Nobody here yet: invite someone above.'),
      more ? run('Show more members', 'more-members', () => renderMembers(main, context, pages + 1)) : null),
    section('Pending invitations', table(['Invited', 'Role', 'State', 'Expires', ''], invitationRows, 'No open invitations.')));
}
