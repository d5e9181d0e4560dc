// "Use the OS": the browser calls the AgentOS itself with a short-lived token minted for the
// signed-in user (held in this page's memory only). The control plane never proxies this traffic.
import { enc, get, osCall, tokenFor } from './api.js';
import { clear, field, form, h, notice, section, table } from './dom.js';

export async function renderUse(main, context) {
  const { org } = context;
  const { os } = await get(`/v1/orgs/${enc(org)}/os`);
  const usable = os.filter((o) => o.url);
  const chosen = new URLSearchParams(location.hash.split('?')[1] ?? '').get('os') ?? usable[0]?.id;
  const picker = h('select', { id: 'use-os', 'aria-label': 'OS' }, usable.map((o) => h('option', { value: o.id, selected: o.id === chosen }, `${o.name} (${o.url})`)));
  const body = h('div', { id: 'use-body' });
  clear(main, h('h1', {}, 'Use the OS'),
    usable.length
      ? h('div', { class: 'field inline' }, h('label', { for: 'use-os' }, 'OS'), picker)
      : h('p', { class: 'empty' }, 'No OS with a URL yet: connect one (OSes page) with the URL your browser reaches it at.'),
    body);
  const show = () => showOS(body, org, usable.find((o) => o.id === picker.value));
  picker.addEventListener('change', show);
  if (usable.length) await show();
}

async function showOS(body, org, os) {
  clear(body, notice(`Getting a token for ${os.id} and asking ${os.url} …`));
  let token;
  try {
    token = await tokenFor(org, os.id, 300);
  } catch (error) {
    return clear(body, notice(`No token for ${os.id}: ${error.message}. An admin can bind you a role or grant you scopes.`, 'error'));
  }
  const families = {};
  const failures = [];
  for (const family of ['agents', 'teams', 'workflows']) {
    try {
      const list = await osCall(os.url, 'GET', `/${family}`, { token: token.access_token });
      families[family] = Array.isArray(list) ? list : list?.data ?? [];
    } catch (error) {
      families[family] = [];
      failures.push(`${family}: ${error.message}`);
    }
  }
  const answer = h('div', { id: 'run-answer', 'aria-live': 'polite' });
  const agents = families.agents;
  clear(body,
    h('p', { class: 'hint', id: 'use-token' }, `Token for ${os.id}, valid until ${new Date(token.expires_at).toLocaleTimeString()}; scopes: `,
      token.scopes.map((s) => h('code', {}, s, ' '))),
    failures.length ? notice(`The OS refused some lists: ${failures.join('; ')}`, 'error') : null,
    section('Agents', table(['Name', 'ID', 'Description'], agents.map((a) => [a.name ?? a.id, h('code', { class: 'agent-id' }, a.id), a.description ?? '']),
      'No agents visible with your token.')),
    section('Teams', table(['Name', 'ID'], families.teams.map((t) => [t.name ?? t.id, h('code', {}, t.id)]), 'No teams visible with your token.')),
    section('Workflows', table(['Name', 'ID'], families.workflows.map((w) => [w.name ?? w.id, h('code', {}, w.id)]), 'No workflows visible with your token.')),
    section('Run an agent',
      agents.length ? form('run', [
        field('run', { name: 'agent', label: 'Agent', options: agents.map((a) => [a.id, a.name ?? a.id]) }),
        field('run', { name: 'message', label: 'Message', type: 'textarea', required: true, rows: 2 }),
      ], 'Run', async ({ agent, message }) => {
        clear(answer, notice(`Running ${agent} …`));
        try {
          const run = await osCall(os.url, 'POST', `/agents/${enc(agent)}/runs`, { token: token.access_token, form: { message, stream: 'false' } });
          clear(answer, h('div', { class: 'answer', id: 'run-content' }, String(run?.content ?? JSON.stringify(run))));
        } catch (error) {
          clear(answer, notice(error.message, 'error'));
          answer.firstChild.id = 'run-refused';
        }
      }) : h('p', { class: 'empty' }, 'Nothing to run.'),
      answer));
}
