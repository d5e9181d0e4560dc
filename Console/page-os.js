// OSes: the list (verifier, authorization, algorithm, active key and its age) and "Connect a new OS".
import { ApiError, enc, get, getAll, osCall, post } from './api.js';
import { age, clear, field, form, h, notice, section, table } from './dom.js';
import { showEnvModal, VERIFIERS, verifierName } from './envblock.js';

/** Why a stock Agno OS gets RS256 keys only (docs/keys.md, "What verifies the OS"). */
export const AGNO_RS256 = 'Stock Agno verifies RS256 only (its algorithm is set in its code), so its keys are RS256.';

export async function renderOSList(main, { org, me, role }) {
  const base = `/v1/orgs/${enc(org)}`;
  const list = (await getAll(`${base}/os`, 'os')).os;
  const keys = await Promise.all(list.map((os) => getAll(`${base}/os/${enc(os.id)}/keys`, 'keys').then((r) => r.keys).catch(() => [])));
  const rows = list.map((os, i) => {
    const active = keys[i].find((k) => k.state === 'active');
    return [
      h('a', { href: `#/o/${org}/os/${enc(os.id)}`, id: `os-link-${os.id}` }, os.name), os.id, os.url ?? '—', verifierName(os.verifier),
      os.authorization ? h('span', { class: 'badge on' }, 'enabled') : h('span', { class: 'badge off' }, 'off'),
      active?.alg ?? '—', active ? h('code', {}, active.kid) : '—', active ? age(active.activated_at ?? active.created_at) : '—',
    ];
  });
  clear(main,
    h('h1', {}, 'OSes'),
    section('Connected OSes', table(['Name', 'ID', 'URL', 'Verifier', 'Authorization', 'Algorithm', 'Active key', 'Key age'], rows,
      'No OS yet: connect your first AgentOS below.')),
    section('Connect a new OS', connectForm(org, me, role)));
}

function connectForm(org, me, role) {
  const probe = h('div', { id: 'probe-result', 'aria-live': 'polite' });
  const probeButton = h('button', { type: 'button', id: 'probe' }, 'Probe /info');
  const admin = role === 'admin' || role === 'owner';
  const el = form('connect', [
    field('connect', { name: 'name', label: 'Name', required: true, placeholder: 'Production' }),
    field('connect', { name: 'id', label: 'OS id', required: true, placeholder: 'prod', match: 'os id', hint: 'The AgentOS\'s id (AGENT_OS_ID); tokens carry it as their audience.' }),
    field('connect', { name: 'url', label: 'URL', type: 'url', placeholder: 'http://127.0.0.1:7777', hint: 'Where the browser reaches the AgentOS.' }),
    h('div', { class: 'actions' }, probeButton), probe,
    field('connect', { name: 'verifier', label: 'Verifier', options: VERIFIERS, value: 'agno', hint: 'What checks the tokens at this OS: it bounds the keys and the .env the control plane hands it.' }),
    h('p', { class: 'hint', id: 'connect-agno-rs256' }, AGNO_RS256),
    field('connect', { name: 'algorithm', label: 'Signing algorithm', options: ['RS256', 'ES256', 'EdDSA'], value: 'RS256' }),
    field('connect', { name: 'authorization', label: 'Enable authorization (generate the key pair now)', type: 'checkbox', value: admin }),
    field('connect', { name: 'bind_me', label: 'Give me os-admin on this OS (to list its agents and use it)', type: 'checkbox', value: admin }),
  ], 'Connect', async (values) => {
    const body = { id: values.id, name: values.name, verifier: values.verifier, authorization: values.authorization };
    // Stock Agno: the server's RS256, never a choice it would refuse.
    if (values.verifier === 'agentos-auth') body.algorithm = values.algorithm;
    if (values.url) body.url = values.url;
    const made = await post(`/v1/orgs/${enc(org)}/os`, body);
    if (values.bind_me) {
      await post(`/v1/orgs/${enc(org)}/role-bindings`, { subject: { user: me.user.id }, role: 'os-admin', os: values.id });
    }
    location.hash = `#/o/${org}/os/${enc(values.id)}`;
    if (made.signing_key) showEnvModal(org, values.id, { key: made.signing_key });
  });
  // The algorithm menu only for a verifier that takes more than RS256.
  const verifier = el.querySelector('#connect-verifier');
  const algorithm = el.querySelector('#connect-algorithm').closest('.field');
  const agnoHint = el.querySelector('#connect-agno-rs256');
  const showAlgorithm = () => {
    const agno = verifier.value === 'agno';
    algorithm.hidden = agno;
    agnoHint.hidden = !agno;
  };
  verifier.addEventListener('change', showAlgorithm);
  showAlgorithm();
  probeButton.addEventListener('click', async () => {
    const url = el.querySelector('#connect-url').value.trim();
    const id = el.querySelector('#connect-id').value.trim();
    if (!url) return clear(probe, notice('Enter the URL first.', 'error'));
    const info = await probeInfo(probe, url, id);
    if (!id && info?.os_id) el.querySelector('#connect-id').value = info.os_id;
  });
  return el;
}

/** `GET <url>/info` from the browser (public on an AgentOS): its os_id, auth_mode, and whether the id matches. */
export async function probeInfo(out, url, id) {
  clear(out, notice(`Asking ${url}/info …`));
  try {
    const info = await osCall(url, 'GET', '/info');
    const matches = id ? info.os_id === id : null;
    clear(out, h('dl', { class: 'probe' },
      h('dt', {}, 'os_id'), h('dd', { id: 'probe-os-id' }, info.os_id ?? '—'),
      h('dt', {}, 'auth_mode'), h('dd', { id: 'probe-auth-mode' }, info.auth_mode ?? 'not reported'),
      h('dt', {}, 'id matches'), h('dd', { id: 'probe-match' }, matches === null ? 'enter the OS id' : matches ? 'yes' : ['no: the OS says ', info.os_id])));
    return info;
  } catch (error) {
    clear(out, notice(error instanceof ApiError ? error.message : String(error), 'error'));
    return null;
  }
}
