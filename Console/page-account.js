// Your account: change password, two-factor authentication (TOTP with a QR code, recovery codes
// once), your API keys (the key shown once) and your sign-in sessions.
import { enc, getAll, post, del } from './api.js';
import { ask, clear, codeBlock, field, form, h, notice, section, secret, table, when } from './dom.js';
import { qrCanvas } from './qr.js';

export async function renderAccount(main, context) {
  const { me, reload } = context;
  const rerender = async () => renderAccount(main, { ...context, me: await reload() });
  const [{ api_keys: keys }, { sessions }] = await Promise.all([getAll('/v1/api-keys', 'api_keys'), getAll('/v1/me/sessions', 'sessions')]);
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
      el.append(notice('Password changed; your other sessions and your API keys were ended.', 'success'));
    })),
    section('Two-factor authentication',
      totp
        ? h('div', {}, notice(`An authenticator app is enrolled; ${mfa.recovery_codes_left ?? '?'} recovery codes left.`, 'success'),
          form('mfa-disable', [
            field('mfa-disable', { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
            field('mfa-disable', { name: 'code', label: 'Current code', required: true, autocomplete: 'one-time-code' }),
          ], 'Turn off two-factor authentication', async (values) => { await post('/v1/me/mfa/totp/disable', values); await rerender(); }))
        : h('div', {}, h('p', {}, 'Add a time-based code from an authenticator app to your sign-in.'), enrol, startButton(enrol, rerender))),
    apiKeysSection(keys),
    sessionsSection(sessions));
}

/** Your API keys: for the CLI and scripts, acting as you (never more); the key is shown once. */
function apiKeysSection(initial) {
  const list = h('div', { id: 'api-keys' });
  const created = h('div', { id: 'api-key-created', 'aria-live': 'polite' });
  const show = (keys) => clear(list, table(['Name', 'Starts with', 'Created', 'Expires', ''], keys.map((k) => [
    k.name, h('code', {}, `${k.prefix}…`), when(k.created_at), k.expires_at ? when(k.expires_at) : 'never',
    revoke(k)]), 'No API keys: create one below for the CLI or a script.'));
  const refresh = async () => show((await getAll('/v1/api-keys', 'api_keys')).api_keys);
  const revoke = (k) => {
    const button = h('button', { type: 'button', class: 'danger', id: `revoke-api-key-${k.name}` }, 'Revoke');
    button.addEventListener('click', async () => {
      if (!ask(`Revoke the API key ${k.name} (${k.prefix}…)? Whatever uses it is refused from now on.`)) return;
      button.disabled = true;
      try {
        await del(`/v1/api-keys/${enc(k.id)}`);
        await refresh();
      } catch (error) {
        button.disabled = false;
        button.after(notice(error.message, 'error'));
      }
    });
    return button;
  };
  show(initial);
  return section('API keys',
    h('p', { class: 'hint' }, 'For the CLI (', h('code', {}, 'CONTROL_PLANE_TOKEN=cpk_…'), ') and scripts (', h('code', {}, 'Authorization: Bearer cpk_…'),
      '). A key acts as you, with your roles, never more; changing or resetting your password ends every key.'),
    list,
    form('api-key', [
      field('api-key', { name: 'name', label: 'Name', required: true, placeholder: 'laptop CLI' }),
      field('api-key', { name: 'expires_in_days', label: 'Expires after (days, optional)', type: 'number', match: 'expires', hint: 'Empty: until you revoke it.' }),
    ], 'Create API key', async ({ name, expires_in_days: days }, el) => {
      const body = days ? { name, expires_in_days: Number(days) } : { name };
      const key = await post('/v1/api-keys', body);
      el.reset();
      clear(created, notice(`API key ${key.name} created${key.expires_at ? `, expires ${when(key.expires_at)}` : ''}.`, 'success'),
        secret('API key', key.key, 'api-key-value'));
      await refresh();
    }),
    created);
}

/** Your sign-in sessions (browsers, and the CLI's `login`); ending one signs that one out. */
function sessionsSection(initial) {
  const list = h('div', { id: 'sessions' });
  const show = (sessions) => clear(list, table(['Signed in', 'Ends', ''], sessions.map((s) => [
    when(s.created_at), when(s.expires_at),
    s.current ? h('span', { class: 'badge active', id: 'session-current' }, 'this session') : end(s)]), 'No sessions.'));
  const end = (s) => {
    const button = h('button', { type: 'button', class: 'danger', id: `end-session-${s.id}` }, 'End');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await del(`/v1/me/sessions/${enc(s.id)}`);
        show((await getAll('/v1/me/sessions', 'sessions')).sessions);
      } catch (error) {
        button.disabled = false;
        button.after(notice(error.message, 'error'));
      }
    });
    return button;
  };
  show(initial);
  return section('Sessions',
    h('p', { class: 'hint' }, 'Where you are signed in: this browser, others, and the CLI. Ending a session signs it out at once; "Sign out" ends this one.'),
    list);
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
