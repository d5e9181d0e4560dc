// One OS's settings: details, enable authorization, keys (stage → activate, revoke), the security key.
import { enc, get, patch, post, del } from './api.js';
import { age, ask, clear, field, form, h, notice, section, secret, table, when } from './dom.js';
import { showEnvModal, jwksURL } from './envblock.js';
import { probeInfo } from './page-os.js';

export async function renderOSSettings(main, context) {
  const { org, params, role, navigate } = context;
  const osID = params[0];
  const base = `/v1/orgs/${enc(org)}/os/${enc(osID)}`;
  const [os, { keys }] = await Promise.all([get(base), get(`${base}/keys`)]);
  const admin = role === 'admin' || role === 'owner';
  const rerender = () => renderOSSettings(main, context);
  const action = (label, id, run, kind) => {
    const button = h('button', { type: 'button', id, class: kind }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try { await run(); } catch (error) { button.after(notice(error.message, 'error')); } finally { button.disabled = false; }
    });
    return button;
  };

  const keyRows = keys.map((key) => [
    h('code', {}, key.kid), key.alg, h('span', { class: `badge ${key.state}` }, key.state), when(key.created_at),
    key.state === 'active' ? age(key.activated_at) : key.retire_at ? `retires ${when(key.retire_at)}` : '—',
    admin ? h('div', { class: 'row-actions' },
      key.state === 'pending' ? action('Activate', `activate-${key.kid}`, async () => { await post(`${base}/keys/${enc(key.kid)}/activate`); await rerender(); }, 'primary') : null,
      ['pending', 'active', 'retiring'].includes(key.state)
        ? action('Revoke', `revoke-${key.kid}`, async () => {
          if (!ask(`Revoke ${key.kid}? Tokens signed with it stop working at once.`)) return;
          await post(`${base}/keys/${enc(key.kid)}/revoke`);
          await rerender();
        }, 'danger') : null) : '',
  ]);

  const authorization = os.authorization
    ? h('div', {},
      notice('Authorization is enabled: tokens for this OS are signed with its active key.', 'success'),
      h('p', {}, 'JWKS URL: ', h('code', { id: 'jwks-url' }, jwksURL(org, osID))),
      admin ? h('div', { class: 'actions' },
        action('Show environment', 'show-env', async () => {
          const active = keys.find((k) => k.state === 'active');
          const pem = await fetch(`${base}/public-key`, { credentials: 'omit' }).then((r) => r.text());
          showEnvModal(org, osID, { kid: active?.kid ?? '?', alg: active?.alg ?? '?', public_key_pem: pem });
        }),
        action('Stage a new key', 'stage-key', async () => { await post(`${base}/keys`, { activate: false }); await rerender(); })) : null)
    : h('div', {},
      notice('Authorization is off: no key pair yet, so no token for this OS can exist.', 'info'),
      admin ? form('enable', [field('enable', { name: 'algorithm', label: 'Algorithm', options: ['RS256', 'ES256', 'EdDSA'], value: 'RS256' })],
        'Enable authorization', async ({ algorithm }) => {
          const answer = await post(`${base}/authorization`, { algorithm });
          await rerender();
          showEnvModal(org, osID, answer.signing_key ?? answer);
        }) : null);

  clear(main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/o/${org}/os` }, 'OSes'), ' / ', osID),
    h('h1', {}, `${os.name} settings`),
    section('Details', form('details', [
      field('details', { name: 'name', label: 'Name', value: os.name, required: true }),
      field('details', { name: 'url', label: 'URL', type: 'url', value: os.url ?? '' }),
    ], 'Save', async ({ name, url }) => {
      await patch(base, url ? { name, url } : { name });
      await rerender();
    })),
    os.url ? section('Reachability', h('p', { class: 'hint' }, `Asks ${os.url}/info from this browser.`),
      h('div', { class: 'actions' }, action('Probe /info', 'probe', () => probeInfo(main.querySelector('#probe-result'), os.url, osID)),
        h('a', { href: `#/o/${org}/use?os=${enc(osID)}`, class: 'button', id: 'use-this-os' }, 'Use this OS')),
      h('div', { id: 'probe-result', 'aria-live': 'polite' })) : null,
    section('Authorization', authorization),
    section('Signing keys',
      h('p', { class: 'hint' }, 'Rotate in two steps: stage a pending key (published in the JWKS, not yet signing), then activate it; the old key retires and stays published until its tokens expire.'),
      table(['Key id', 'Algorithm', 'State', 'Created', 'Active for', ''], keyRows, 'No keys: enable authorization above.')),
    admin ? section('Security key',
      h('p', {}, 'For an AgentOS in security-key mode (OS_SECURITY_KEY) instead of JWTs. A new one replaces the old at once.'),
      h('div', { id: 'security-key' }),
      action('Generate a new security key', 'rotate-security-key', async () => {
        const { security_key: value } = await post(`${base}/security-key`);
        clear(main.querySelector('#security-key'), secret('OS_SECURITY_KEY', value, 'security-key-value'));
      })) : null,
    admin ? section('Delete', action('Delete this OS', 'delete-os', async () => {
      if (!ask(`Delete ${osID} with its keys, grants and bindings?`)) return;
      await del(base);
      navigate(`#/o/${org}/os`);
    }, 'danger')) : null);
}
