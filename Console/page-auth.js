// Sign in (with the TOTP step when enrolled), accepting an invitation (/console/invite#<code>) and
// redeeming a password reset (/console/reset#<code>).
import { ApiError, get, post } from './api.js';
import { withCode } from './envblock.js';
import { clear, field, form, h, loading, notice, when } from './dom.js';

function page(main, title, ...content) {
  return clear(main, h('div', { class: 'narrow' }, h('h1', {}, 'AgentOS Control Plane'), h('section', { class: 'card' }, h('h2', {}, title), content)));
}

export function renderSignIn(main, { navigate, reload }) {
  const done = async () => {
    await reload();
    navigate('#/');
  };
  const signIn = form('signin', [
    field('signin', { name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'username' }),
    field('signin', { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
  ], 'Sign in', async ({ email, password }) => {
    let answer;
    try {
      answer = await post('/v1/auth/login', { email, password }, true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) error.field = 'password';
      throw error;
    }
    if (answer?.mfa_required) return totpStep(answer.mfa_token);
    await done();
  });
  const totpStep = (mfaToken) => {
    page(main, 'Two-factor authentication',
      h('p', {}, 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.'),
      form('mfa', [field('mfa', { name: 'code', label: 'Code', required: true, autocomplete: 'one-time-code' })], 'Verify', async ({ code }) => {
        try {
          await post('/v1/auth/login/mfa', { mfa_token: mfaToken, code }, true);
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) error.field = 'code';
          throw error;
        }
        await done();
      }));
    main.querySelector('#mfa-code')?.focus();
  };
  const firstRun = h('div', { id: 'signin-setup', 'aria-live': 'polite' });
  page(main, 'Sign in', firstRun, signIn,
    h('p', { class: 'hint' }, 'Invited? Open the link you were given (/console/invite#…) to choose your password.'));
  main.querySelector('#signin-email')?.focus();
  // A fresh control plane: nobody can sign in yet; say how the first owner comes to be.
  get('/v1/setup').then(({ open }) => {
    firstRun.dataset.open = String(open);
    if (open) {
      clear(firstRun, notice(withCode('This control plane has no organisation yet. Open the setup link `controlplane serve` printed in its terminal (or in `.controlplane/setup-link`).')));
    }
  }, () => {});
}

export async function renderInvite(main, { me, navigate, reload }) {
  // The code is never sent to a server in a URL, and it leaves the address bar (and the current
  // history entry) at once, as the setup page's does: this page keeps it in memory only. The
  // browser's history may still keep the link as opened (docs/console.md).
  let code = '';
  try { code = decodeURIComponent(location.hash.replace(/^#/, '')); } catch { code = ''; }
  history.replaceState(null, '', '/console/invite');
  if (!code.startsWith('cpi_')) {
    return page(main, 'Accept an invitation', h('div', { id: 'invite-invalid' },
      notice('This link has no invitation code. Ask the admin who invited you for the full link (…/console/invite#cpi_…).', 'error')));
  }
  // What the code is for, asked before anyone types a password (the code in the body, never in a URL).
  page(main, 'Accept an invitation', loading('Checking the invitation…'));
  let invitation;
  try {
    invitation = await post('/v1/invitations/lookup', { code });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 400)) {
      return page(main, 'Accept an invitation', notice(`The invitation could not be checked: ${error.message}`, 'error'));
    }
    history.replaceState(null, '', '/console/invite');
    return page(main, 'This invitation does not work', h('div', { id: 'invite-invalid' },
      notice('This invitation link is invalid, already used, revoked or expired. Ask the admin who invited you for a new one.', 'error')),
      h('p', { class: 'hint' }, 'Already a member? ', h('a', { href: '/console#/signin' }, 'Sign in'), '.'));
  }
  const { organization, email, role } = invitation;
  const summary = h('dl', { class: 'probe', id: 'invite-summary' },
    h('dt', {}, 'Organisation'), h('dd', { id: 'invite-org' }, organization.name),
    h('dt', {}, 'Email'), h('dd', { id: 'invite-email' }, email),
    h('dt', {}, 'Role'), h('dd', { id: 'invite-role' }, role),
    h('dt', {}, 'Expires'), h('dd', {}, when(invitation.expires_at)));
  const joinedTo = (answer) => clear(main.querySelector('.card'), h('h2', {}, 'Welcome'),
    notice(`You joined ${answer.organization.name} as ${answer.role}.`, 'success'),
    h('a', { href: `/console#/o/${answer.organization.slug}/use`, class: 'button primary', id: 'invite-continue' }, 'Continue to the console'));
  if (me) {
    const other = me.user.email.toLowerCase() !== email.toLowerCase();
    return page(main, `Join ${organization.name}`, summary,
      other
        ? notice(`You are signed in as ${me.user.email}, but this invitation is for ${email}: sign out, then open the link again to accept it as ${email}.`, 'error')
        : h('div', {}, h('p', {}, `You are signed in as ${me.user.email}. Join with this account:`),
          form('join', [], `Join ${organization.name}`, async () => {
            const answer = await post('/v1/invitations/accept', { code });
            history.replaceState(null, '', '/console/invite');
            joinedTo(answer);
          })));
  }
  page(main, `Join ${organization.name}`, summary,
    h('p', {}, `Choose your name and password for ${email}. Nobody else ever sets or learns your password.`),
    form('invite', [
      field('invite', { name: 'name', label: 'Your name', required: true, autocomplete: 'name' }),
      field('invite', { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '8 to 72 characters; not your email or a common password.' }),
      field('invite', { name: 'confirm', label: 'Repeat the password', type: 'password', required: true, autocomplete: 'new-password' }),
    ], 'Accept and sign in', async ({ name, password, confirm }) => {
      if (password !== confirm) throw Object.assign(new Error('the two passwords differ'), { field: 'confirm' });
      try {
        const answer = await post('/v1/invitations/accept', { code, name, password }, true);
        history.replaceState(null, '', '/console/invite');
        await reload();
        joinedTo(answer);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          error.message = `${email} already has an account: sign in first, then open the invitation link again to join with it.`;
        }
        throw error;
      }
    }),
    h('p', { class: 'hint' }, 'Already have an account? ', h('a', { href: '/console#/signin' }, 'Sign in'), ', then open this link again.'));
  main.querySelector('#invite-name')?.focus();
  void navigate;
}

/**
 * `/console/reset#cpr_…`: the code is read from the fragment (never sent in a URL), leaves the
 * address bar at once, and is posted with the new password.
 */
export function renderReset(main) {
  let code = '';
  try { code = decodeURIComponent(location.hash.replace(/^#/, '')); } catch { code = ''; }
  history.replaceState(null, '', '/console/reset');
  if (!code.startsWith('cpr_')) {
    return page(main, 'Set a new password', h('div', { id: 'reset-no-code' },
      notice('This link has no reset code. Ask the admin who gave it to you for the full link (…/console/reset#cpr_…).', 'error')));
  }
  const done = (title, message, kind, id) => {
    history.replaceState(null, '', '/console/reset');
    clear(main.querySelector('.card'), h('h2', {}, title), h('div', { id }, notice(message, kind)),
      h('a', { href: '/console#/signin', class: 'button primary', id: 'reset-signin' }, 'Go to sign-in'));
  };
  page(main, 'Set a new password',
    h('p', {}, 'Choose a new password for your account. Setting it signs out every session and revokes every API key of the account.'),
    form('reset', [
      field('reset', { name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: '8 to 72 characters; not your email or a common password.' }),
      field('reset', { name: 'confirm', label: 'Repeat the password', type: 'password', required: true, autocomplete: 'new-password' }),
    ], 'Set the password', async ({ password, confirm }) => {
      if (password !== confirm) throw Object.assign(new Error('the two passwords differ'), { field: 'confirm' });
      try {
        await post('/v1/auth/password-reset', { code, password });
      } catch (error) {
        // One 400 for an unknown, used, revoked or expired code; a password rule names the password.
        if (error instanceof ApiError && error.status === 400 && /\bcode\b/.test(error.message)) {
          return done('This link does not work', 'This reset link is invalid, already used or expired. Ask an admin of your organisation for a new one.', 'error', 'reset-invalid');
        }
        throw error;
      }
      done('Password set', 'Your new password is set; every session and API key of the account was ended. Sign in with it.', 'success', 'reset-done');
    }));
  main.querySelector('#reset-password')?.focus();
}
