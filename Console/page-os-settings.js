// One OS's settings: details, its verifier, enable authorization, keys (stage → activate, revoke)
// with what the OS holds before an activation, the rotation schedule, the security key.
import { enc, get, getAll, patch, post, del } from './api.js';
import { age, ask, clear, field, form, h, notice, section, secret, table, when } from './dom.js';
import { showEnvModal, VERIFIERS, verifierName } from './envblock.js';
import { AGNO_RS256, probeInfo } from './page-os.js';

// The schedules offered (seconds); the server takes 1 h to 365 days (docs/keys.md).
const DAY = 86400;
const PERIODS = [['', 'None: rotate by hand'], [String(30 * DAY), 'Every 30 days'], [String(90 * DAY), 'Every 90 days'], [String(365 * DAY), 'Every 365 days']];

/**
 * What activating `kid` does to `os`, in words from what the control plane knows of it: a stock
 * Agno OS reads its keys once, at start-up; any other reports its JWKS fetches (advice, not proof).
 */
export function activationQuestion(os, kid) {
  if (os.verifier === 'agno') {
    return `${os.id} runs stock Agno: it accepts tokens of this key only after a restart with the new .env (JWKS file). Activate now?`;
  }
  const fetch = os.jwks_fetch;
  if (!fetch) {
    return `No verifier of ${os.id} has reported a JWKS fetch: it may hold only the old key and refuse every token of ${kid}. Activate now?`;
  }
  const held = (fetch.kids ?? []).includes(kid);
  return held
    ? `${os.id}'s verifier last fetched the JWKS ${age(fetch.at)} ago (${when(fetch.at)}), and it held ${kid}. Activate now?`
    : `${os.id}'s verifier last fetched the JWKS ${age(fetch.at)} ago (${when(fetch.at)}), without ${kid}: until it fetches again it refuses tokens of this key. Activate now?`;
}

/** The line above the keys: how this OS gets a new key, and what it last fetched. */
function keyStatus(os) {
  if (os.verifier === 'agno') {
    return h('p', { id: 'jwks-fetch', class: 'hint' },
      'Stock Agno fetches nothing: it reads its key at start-up. Stage the next key, restart the OS with the new .env (JWKS file form, holding both keys), then activate.');
  }
  const fetch = os.jwks_fetch;
  return h('p', { id: 'jwks-fetch', class: 'hint' }, fetch
    ? ['Last JWKS fetch by this OS\'s verifier: ', when(fetch.at), ` (${age(fetch.at)} ago), holding `, (fetch.kids ?? []).map((k) => h('code', {}, k, ' '))]
    : 'No verifier of this OS has reported a JWKS fetch (it sends AgentOS-Id with each one): activating may lock it out until it fetches.');
}

export async function renderOSSettings(main, context) {
  const { org, params, role, navigate } = context;
  const osID = params[0];
  const base = `/v1/orgs/${enc(org)}/os/${enc(osID)}`;
  const [os, { keys }] = await Promise.all([get(base), getAll(`${base}/keys`, 'keys')]);
  const admin = role === 'admin' || role === 'owner';
  const agno = os.verifier === 'agno';
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
      key.state === 'pending' ? action('Activate', `activate-${key.kid}`, async () => {
        if (!ask(activationQuestion(os, key.kid))) return;
        await post(`${base}/keys/${enc(key.kid)}/activate`);
        await rerender();
      }, 'primary') : null,
      ['pending', 'active', 'retiring'].includes(key.state)
        ? action('Revoke', `revoke-${key.kid}`, async () => {
          if (!ask(`Revoke ${key.kid}? Tokens signed with it stop working at once.`)) return;
          await post(`${base}/keys/${enc(key.kid)}/revoke`);
          await rerender();
        }, 'danger') : null) : '',
  ]);

  const active = keys.find((k) => k.state === 'active');
  const authorization = os.authorization
    ? h('div', {},
      notice('Authorization is enabled: tokens for this OS are signed with its active key.', 'success'),
      h('div', { class: 'actions' }, action('Show the .env', 'show-env', async () => showEnvModal(org, osID, { key: active }))))
    : h('div', {},
      notice('Authorization is off: no key pair yet, so no token for this OS can exist.', 'info'),
      admin ? form('enable', [
        agno ? h('p', { class: 'hint' }, AGNO_RS256) : field('enable', { name: 'algorithm', label: 'Algorithm', options: ['RS256', 'ES256', 'EdDSA'], value: 'RS256' }),
      ], 'Enable authorization', async ({ algorithm }) => {
        const answer = await post(`${base}/authorization`, { algorithm: algorithm ?? 'RS256' });
        await rerender();
        showEnvModal(org, osID, { key: answer.signing_key ?? answer });
      }) : null);

  const verifier = h('div', {},
    h('p', { id: 'os-verifier' }, verifierName(os.verifier), ' (', h('code', {}, os.verifier), ')'),
    h('p', { class: 'hint' }, agno
      ? 'RS256 keys only; reads its key once at start-up (JWT_VERIFICATION_KEY or the JWKS file JWT_JWKS_FILE); no rotation schedule.'
      : 'Any algorithm; fetches the JWKS URL and follows rotations (and status lists); a rotation schedule is allowed.'),
    admin ? form('os-verifier', [
      field('os-verifier', { name: 'verifier', label: 'Switch to', options: VERIFIERS, value: os.verifier }),
    ], 'Save verifier', async ({ verifier: wanted }) => {
      if (wanted === os.verifier) return;
      await patch(base, { verifier: wanted });
      await rerender();
    }) : null);

  const schedule = agno
    ? h('p', { class: 'hint', id: 'rotation-none' }, 'No schedule for stock Agno: it reads its key once, so a scheduled activation would lock it out. Rotate by hand below.')
    : h('div', {},
      h('p', { id: 'rotation-current' }, os.rotation_period ? `Every ${Math.round(os.rotation_period / DAY * 10) / 10} days: the next key is staged, then activated once it was published long enough.` : 'None: keys rotate by hand.'),
      admin ? form('rotation', [
        field('rotation', {
          name: 'period', label: 'Rotation schedule', value: os.rotation_period ? String(os.rotation_period) : '',
          options: PERIODS.some(([v]) => v === String(os.rotation_period ?? ''))
            ? PERIODS : [...PERIODS, [String(os.rotation_period), `Every ${os.rotation_period} s (current)`]],
        }),
      ], 'Save schedule', async ({ period }) => {
        await patch(base, { rotation_period: period ? Number(period) : null });
        await rerender();
      }) : null);

  clear(main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/o/${org}/os` }, 'OSes'), ' / ', osID),
    h('h1', {}, `${os.name} settings`),
    // Members see the details; only admins get the form the server would otherwise refuse.
    section('Details', admin ? form('details', [
      field('details', { name: 'name', label: 'Name', value: os.name, required: true }),
      field('details', { name: 'url', label: 'URL', type: 'url', value: os.url ?? '' }),
    ], 'Save', async ({ name, url }) => {
      await patch(base, url ? { name, url } : { name });
      await rerender();
    }) : h('dl', { class: 'probe', id: 'os-details' }, h('dt', {}, 'Name'), h('dd', {}, os.name), h('dt', {}, 'URL'), h('dd', {}, os.url ?? '—'))),
    section('Verifier', verifier),
    os.url ? section('Reachability', h('p', { class: 'hint' }, `Asks ${os.url}/info from this browser.`),
      h('div', { class: 'actions' }, action('Probe /info', 'probe', () => probeInfo(main.querySelector('#probe-result'), os.url, osID)),
        h('a', { href: `#/o/${org}/use?os=${enc(osID)}`, class: 'button', id: 'use-this-os' }, 'Use this OS')),
      h('div', { id: 'probe-result', 'aria-live': 'polite' })) : null,
    section('Authorization', authorization),
    section('Signing keys',
      h('p', { class: 'hint' }, 'Rotate in two steps: stage the next key (published, not yet signing), give the OS the key, then activate it; the old key retires and stays published until its tokens expire.'),
      os.authorization ? keyStatus(os) : null,
      table(['Key id', 'Algorithm', 'State', 'Created', 'Active for', ''], keyRows, 'No keys: enable authorization above.'),
      admin && os.authorization ? h('div', { class: 'actions' },
        action('Stage the next key', 'stage-key', async () => {
          await post(`${base}/keys`, { activate: false });
          await rerender();
          main.querySelector('#key-staged')?.remove();
          main.querySelector('#stage-key')?.closest('.actions').after(h('div', { id: 'key-staged' },
            notice(agno ? 'Staged: published, not signing. Next: "Show the .env", JWKS file form; restart the OS with it; then Activate.'
              : 'Staged: published, not signing. Activate once the OS\'s verifier has fetched it (the line above).', 'success')));
        })) : null),
    section('Rotation schedule', schedule),
    admin ? section('Security key',
      h('p', {}, 'For an AgentOS in security-key mode (OS_SECURITY_KEY) instead of JWTs. A new one replaces the old at once.'),
      h('div', { id: 'security-key' }),
      action('Generate a new security key', 'rotate-security-key', async () => {
        if (!ask(`Generate a new security key for ${osID}? It replaces the old one at once: set the new one as the OS's OS_SECURITY_KEY and in every client that sends the old one.`)) return;
        const { security_key: value } = await post(`${base}/security-key`);
        clear(main.querySelector('#security-key'), secret('OS_SECURITY_KEY', value, 'security-key-value'));
      })) : null,
    admin ? section('Delete', action('Delete this OS', 'delete-os', async () => {
      if (!ask(`Delete ${osID} with its keys, grants and bindings?`)) return;
      await del(base);
      navigate(`#/o/${org}/os`);
    }, 'danger')) : null);
}
