// Grants chosen from the OS's real agents, teams and workflows; effective access; Explain.
import { enc, get, post, del } from './api.js';
import { clear, field, form, h, notice, removeButton, section, table, when } from './dom.js';
import { describeSource, resources, subjectBody, subjectQuery } from './subjects.js';
import { beforeSending } from './ostarget.js';

const FAMILIES = ['agents', 'teams', 'workflows'];

export function grantsSection({ base, org, os, people, rerender }) {
  const body = h('div', { id: 'grants' });
  const osSelect = h('select', { id: 'grants-os', 'aria-label': 'OS' }, os.map((o) => h('option', { value: o.id }, o.name)));
  let shown = 0;
  const show = async () => {
    const target = os.find((o) => o.id === osSelect.value);
    if (!target) return clear(body, h('p', { class: 'empty' }, 'Connect an OS first (OSes page); grants are per OS.'));
    const ticket = ++shown;
    const { grants } = await get(`${base}/os/${enc(target.id)}/grants`);
    if (ticket !== shown) return; // another OS was picked meanwhile: its answer is the one to show
    const rows = grants.map((g) => [g.subject.label, h('code', {}, g.scope), when(g.created_at),
      removeButton(`revoke-grant-${g.subject.label}-${g.scope}`, async () => { await del(`${base}/os/${enc(target.id)}/grants/${enc(g.id)}`); await rerender(); })]);
    const found = { agents: [], teams: [], workflows: [] };
    const resourceSelect = h('select', { id: 'grant-resource', name: 'resource' });
    const familySelect = h('select', { id: 'grant-family', name: 'family' }, FAMILIES.map((f) => h('option', { value: f }, f)));
    const fill = () => clear(resourceSelect, h('option', { value: '*' }, `every ${familySelect.value.slice(0, -1)} (*)`),
      found[familySelect.value].map((r) => h('option', { value: r.id }, `${r.name} (${r.id})`)));
    familySelect.addEventListener('change', fill);
    fill();
    // The picker is filled from the OS itself, once the admin has seen where the tokens go.
    const listed = h('div', { id: 'grants-listed', 'aria-live': 'polite' });
    const list = async () => {
      clear(listed, notice(`Loading ${target.name}'s agents, teams and workflows …`));
      Object.assign(found, await resources(org, target));
      fill();
      clear(listed, found.errors?.length
        ? notice(`Could not list everything from the OS: ${found.errors.join('; ')}. You can still type a scope below.`, 'error')
        : h('p', { class: 'hint' }, `Resources below are listed by ${target.name}.`));
    };
    clear(body,
      table(['Subject', 'Scope', 'Since', ''], rows, `No grants on ${target.name} yet.`),
      target.url
        ? beforeSending(org, target, 'grants', 'List its agents, teams and workflows', list)
        : notice('This OS has no URL: set one in its settings to pick from its agents, teams and workflows; you can still type a scope below.', 'error'),
      listed,
      form('grant', [
        field('grant', { name: 'subject', label: 'Subject', options: people }),
        h('div', { class: 'field' }, h('label', { for: 'grant-family' }, 'Kind'), familySelect),
        h('div', { class: 'field' }, h('label', { for: 'grant-resource' }, `Resource (listed by ${target.name})`), resourceSelect),
        field('grant', { name: 'action', label: 'Action', options: ['run', 'read', 'write', 'delete'], value: 'run' }),
        field('grant', { name: 'scope', label: 'Or any scope', placeholder: 'agents:web-agent:run', match: 'scope', hint: 'Leave empty to grant the choice above.' }),
      ], 'Grant', async ({ subject, family, resource, action, scope }) => {
        await post(`${base}/os/${enc(target.id)}/grants`, { subject: subjectBody(subject), scope: scope || `${family}:${resource}:${action}` });
        await rerender();
      }));
  };
  osSelect.addEventListener('change', show);
  setTimeout(show);
  return section('Grants', h('p', { class: 'hint' }, 'One scope for one subject on one OS, e.g. run one agent.'),
    h('div', { class: 'field' }, h('label', { for: 'grants-os' }, 'OS'), osSelect), body);
}

export function effectiveSection({ base, os, people, me }) {
  const out = h('div', { id: 'effective-result', 'aria-live': 'polite' });
  return section('Effective access',
    form('effective', [
      field('effective', { name: 'subject', label: 'Subject', options: people, value: `user:${me.user.id}` }),
      field('effective', { name: 'os', label: 'OS', options: os.map((o) => [o.id, o.name]) }),
    ], 'Show', async ({ subject, os: target }) => {
      if (!target) throw Object.assign(new Error('connect an OS first'), { field: 'os' });
      const access = await get(`${base}/os/${enc(target)}/access?${subjectQuery(subject)}`);
      clear(out, access.granted_by.length
        ? table(['Scope', 'From'], access.granted_by.map((g) => [h('code', {}, g.scope), g.sources.map(describeSource).join(', ')]), '')
        : h('p', { class: 'empty' }, `${access.subject.label} has no scope on ${target}: bind a role or grant a scope.`),
        access.scopes.length ? h('p', { class: 'hint' }, 'In tokens: ', access.scopes.map((s) => h('code', {}, s, ' '))) : null);
    }), out);
}

export function explainSection({ base, os, people, me }) {
  const out = h('div', { id: 'explain-result', 'aria-live': 'polite' });
  return section('Explain',
    h('p', { class: 'hint' }, 'Would this request be allowed on the OS, and why?'),
    form('explain', [
      field('explain', { name: 'subject', label: 'Subject', options: people, value: `user:${me.user.id}` }),
      field('explain', { name: 'os', label: 'OS', options: os.map((o) => [o.id, o.name]) }),
      field('explain', { name: 'method', label: 'Method', options: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], value: 'POST' }),
      field('explain', { name: 'path', label: 'Path', required: true, value: '/agents/web-agent/runs', match: 'path' }),
    ], 'Explain', async ({ subject, os: target, method, path }) => {
      if (!target) throw Object.assign(new Error('connect an OS first'), { field: 'os' });
      const body = subject === `user:${me.user.id}` ? { method, path } : { subject: subjectBody(subject), method, path };
      const answer = await post(`${base}/os/${enc(target)}/explain`, body);
      const sources = Object.entries(answer.granted_by ?? {}).map(([scope, list]) => h('li', {}, h('code', {}, scope), ' from ', list.map(describeSource).join(', ')));
      clear(out,
        notice(answer.allowed ? `Allowed (${answer.status})` : `Refused (${answer.status})`, answer.allowed ? 'success' : 'error'),
        answer.detail ? h('p', {}, answer.detail) : null,
        h('p', {}, 'Needs one of: ', answer.required_scopes.map((s) => h('code', {}, s, ' '))),
        answer.matched_scopes.length ? h('p', {}, 'Matched: ', answer.matched_scopes.map((s) => h('code', {}, s, ' '))) : null,
        sources.length ? h('ul', {}, sources) : null);
    }), out);
}
