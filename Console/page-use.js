// "Use the OS": the browser calls the AgentOS itself, each call with its own token minted for
// the signed-in user, narrowed to that call's scopes and 60 s long (held in memory for the call
// only). The control plane never proxies this traffic; the page shows where the tokens go first.
import { baseOf, callOS, enc, get, getAll, isResourceID } from './api.js';
import { clear, field, form, h, lines, notice, section, table } from './dom.js';
import { beforeSending } from './ostarget.js';

const FAMILIES = ['agents', 'teams', 'workflows'];

export async function renderUse(main, context) {
  const { org, query } = context;
  const { os } = await getAll(`/v1/orgs/${enc(org)}/os`, 'os');
  const usable = os.filter((o) => o.url);
  const wanted = query?.get('os');
  const chosen = usable.find((o) => o.id === wanted)?.id ?? usable[0]?.id;
  const picker = h('select', { id: 'use-os', 'aria-label': 'OS' }, usable.map((o) => h('option', { value: o.id, selected: o.id === chosen }, `${o.name} (${baseOf(o.url)})`)));
  const body = h('div', { id: 'use-body' });
  clear(main, h('h1', {}, 'Use the OS'),
    wanted && !usable.some((o) => o.id === wanted) ? notice(`No OS '${wanted}' with a URL here; showing another.`, 'error') : null,
    usable.length
      ? h('div', { class: 'field inline' }, h('label', { for: 'use-os' }, 'OS'), picker)
      : h('p', { class: 'empty' }, 'No OS with a URL yet: connect one (OSes page) with the URL your browser reaches it at.'),
    body);
  const show = () => showOS(body, org, usable.find((o) => o.id === picker.value));
  picker.addEventListener('change', show);
  if (usable.length) show();
}

function showOS(body, org, os) {
  const calls = h('ul', { class: 'calls', id: 'use-calls' });
  const lists = h('div', { id: 'use-lists' });
  // What each token carried, so the user sees exactly what left the page and where.
  const sent = (method, path) => (token) => calls.append(h('li', {}, h('code', {}, `${method} ${baseOf(os.url)}${path}`),
    token.jti ? ` · token ${token.jti}` : ' · a token', ' for ', token.scopes.map((s) => h('code', {}, s, ' ')), `· ${token.expires_in} s`));
  clear(body,
    // Whatever the OS answered, the page says so: a rejection must not leave "Asking …" forever.
    beforeSending(org, os, 'use', 'List agents, teams and workflows', () => load(lists, org, os, sent)
      .catch((error) => clear(lists, notice(`Could not show what ${baseOf(os.url)} answered: ${error.message}`, 'error')))),
    h('details', { class: 'calls' }, h('summary', {}, 'Tokens sent from this page'), calls),
    lists);
}

async function load(lists, org, os, sent) {
  clear(lists, notice(`Asking ${baseOf(os.url)} …`));
  const families = {};
  const failures = [];
  for (const family of FAMILIES) {
    try {
      const list = await callOS(org, os, [`${family}:read`], 'GET', `/${family}`, { onToken: sent('GET', `/${family}`) });
      families[family] = Array.isArray(list) ? list : list?.data ?? [];
    } catch (error) {
      families[family] = [];
      failures.push({ family, error });
    }
  }
  const answer = h('div', { id: 'run-answer', 'aria-live': 'polite' });
  // Only agents whose id names exactly one resource can be run from here: an OS listing `*`
  // would otherwise get a token for agents:*:run, which is every agent (isResourceID).
  const agents = families.agents.filter((a) => isResourceID(a.id));
  const unusable = families.agents.length - agents.length;
  clear(lists,
    failures.length ? h('div', { id: 'use-refused' }, failures.map(({ family, error }) => notice(`${family}: ${error.message}`, 'error')),
      failures.some(({ error }) => error.minted === false) ? h('p', { class: 'hint' }, 'An admin can bind you a role or grant you the scopes.') : null) : null,
    unusable ? h('div', { id: 'use-unusable' }, notice(`The OS listed ${unusable} agent(s) with an id that cannot name one agent (such as *): left out, nothing is sent for them.`, 'error')) : null,
    section('Agents', table(['Name', 'ID', 'Description'], agents.map((a) => [a.name ?? a.id, h('code', { class: 'agent-id' }, a.id), a.description ?? '']),
      'No agents visible with your token.')),
    section('Teams', table(['Name', 'ID'], families.teams.map((t) => [t.name ?? t.id, h('code', {}, t.id)]), 'No teams visible with your token.')),
    section('Workflows', table(['Name', 'ID'], families.workflows.map((w) => [w.name ?? w.id, h('code', {}, w.id)]), 'No workflows visible with your token.')),
    section('Run an agent',
      agents.length ? form('run', [
        field('run', { name: 'agent', label: 'Agent', options: agents.map((a) => [a.id, a.name ?? a.id]) }),
        field('run', { name: 'message', label: 'Message', type: 'textarea', required: true, rows: 2 }),
      ], 'Run', async ({ agent, message }) => {
        clear(answer, notice(`Running ${agent} with a token for agents:${agent}:run only …`));
        const path = `/agents/${enc(agent)}/runs`;
        try {
          const run = await callOS(org, os, [`agents:${agent}:run`], 'POST', path, { form: { message, stream: 'false' }, onToken: sent('POST', path) });
          clear(answer, h('div', { class: 'answer', id: 'run-content' }, lines(run?.content ?? run)));
        } catch (error) {
          clear(answer, notice(error.message, 'error'));
          answer.firstChild.id = 'run-refused';
        }
      }) : h('p', { class: 'empty' }, 'Nothing to run.'),
      answer));
}
