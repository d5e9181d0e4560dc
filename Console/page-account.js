// Your account: change password, two-factor authentication (TOTP with a QR code, recovery codes once).
import { post } from './api.js';
import { clear, codeBlock, field, form, h, notice, section, secret } from './dom.js';
import { qrCanvas } from './qr.js';

export async function renderAccount(main, context) {
  const { me, reload } = context;
  const rerender = async () => renderAccount(main, { ...context, me: await reload() });
  const mfa = me.mfa ?? {};
  const totp = mfa.totp ?? false;
  const enrol = h('div', { id: 'mfa-enrol' });
  clear(main, h('h1', {}, 'Your account'),
    section('Profile', h('p', {}, `${me.user.name} · ${me.user.email}`)),
    section('Change password', form('password', [
      field('password', { name: 'current_password', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' }),
      field('password', { name: 'new_password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', match: 'password must' }),
    ], 'Change password', async (values, el) => {
      await post('/v1/me/password', values);
      el.reset();
      el.append(notice('Password changed; your other sessions were signed out.', 'success'));
    })),
    section('Two-factor authentication',
      totp
        ? h('div', {}, notice(`An authenticator app is enrolled; ${mfa.recovery_codes_left ?? '?'} recovery codes left.`, 'success'),
          form('mfa-disable', [
            field('mfa-disable', { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
            field('mfa-disable', { name: 'code', label: 'Current code', required: true, autocomplete: 'one-time-code' }),
          ], 'Turn off two-factor authentication', async (values) => { await post('/v1/me/mfa/totp/disable', values); await rerender(); }))
        : h('div', {}, h('p', {}, 'Add a time-based code from an authenticator app to your sign-in.'), enrol, startButton(enrol, rerender))));
}

function startButton(enrol, rerender) {
  const button = h('button', { type: 'button', id: 'mfa-start', class: 'primary' }, 'Set up an authenticator app');
  button.addEventListener('click', async () => {
    try {
      const { secret: key, otpauth_uri: uri } = await post('/v1/me/mfa/totp');
      button.remove();
      clear(enrol,
        h('p', {}, 'Scan this code with your authenticator app, or type the key below into it.'),
        h('figure', { class: 'qr', id: 'mfa-qr' }, qrCanvas(uri, 5), h('figcaption', {}, 'otpauth:// QR code, drawn in this page')),
        secret('Key', key, 'mfa-secret'),
        form('mfa-confirm', [field('mfa-confirm', { name: 'code', label: 'The 6-digit code it shows', required: true, autocomplete: 'one-time-code' })],
          'Confirm', async ({ code }) => {
            const { recovery_codes: codes } = await post('/v1/me/mfa/totp/confirm', { code });
            clear(enrol, notice('Two-factor authentication is on.', 'success'),
              codeBlock('Recovery codes (shown once: store them somewhere safe; each works once)', codes.join('\n'), 'mfa-recovery'),
              h('button', { type: 'button', id: 'mfa-done', onclick: rerender }, 'I stored them'));
          }));
    } catch (error) {
      enrol.append(notice(error.message, 'error'));
    }
  });
  return button;
}
