// Grants chosen from the OS's real agents, teams and workflows; effective access; Explain.
import { enc, get, getAll, isResourceID, post, del } from './api.js';
import { ask, clear, field, form, h, notice, removeButton, section, table, when } from './dom.js';
import { describeSource, resources, subjectBody, subjectQuery } from './subjects.js';
import { beforeSending } from './ostarget.js';

export function grantsSection(shared) {
  const { base, org, os, people, catalog, rerender } = shared;
  // Families whose scopes name one id, and the actions, from the server's catalogue.
  const FAMILIES = catalog.per_resource;
  const body = h('div', { id: 'grants' });
  const osSelect = h('select', { id: 'grants-os', 'aria-label': 'OS' }, os.map((o) => h('option', { value: o.id }, o.name)));
  let shown = 0;
  const show = async () => {
    const target = os.find((o) => o.id === osSelect.value);
    if (!target) return clear(body, h('p', { class: 'empty' }, 'Connect an OS first (OSes page); grants are per OS.'));
    const ticket = ++shown;
    const { grants } = await getAll(`${base}/os/${enc(target.id)}/grants`, 'grants');
    if (ticket !== shown) return; // another OS was picked meanwhile: its answer is the one to show
    const rows = grants.map((g) => [g.subject.label, h('code', {}, g.scope), when(g.created_at),
      removeButton(`revoke-grant-${g.subject.label}-${g.scope}`, async () => {
        if (!ask(`Remove the grant of ${g.scope} to ${g.subject.label} on ${target.name}? Their new tokens no longer carry it.`)) return;
        await del(`${base}/os/${enc(target.id)}/grants/${enc(g.id)}`);
        await rerender();
      })]);
    const found = Object.fromEntries(FAMILIES.map((f) => [f, []]));
    const resourceSelect = h('select', { id: 'grant-resource', name: 'resource' });
    const familySelect = h('select', { id: 'grant-family', name: 'family' }, FAMILIES.map((f) => h('option', { value: f }, f)));
    // The first choice grants nothing: every agent (*) is picked on purpose, never by default. A
    // name is whatever the OS answered (maybe not a string): passed as text, never templated.
    const fill = () => clear(resourceSelect, h('option', { value: '', selected: true }, 'Choose…'),
      h('option', { value: '*' }, `every ${familySelect.value.slice(0, -1)} (*)`),
      (found[familySelect.value] ?? []).map((r) => h('option', { value: r.id }, r.name, ' (', r.id, ')')));
    familySelect.addEventListener('change', fill);
    fill();
    // The picker is filled from the OS itself, once the admin has seen where the tokens go.
    const listed = h('div', { id: 'grants-listed', 'aria-live': 'polite' });
    const list = async () => {
      clear(listed, notice(`Loading ${target.name}'s agents, teams and workflows …`));
      try {
        Object.assign(found, await resources(org, target));
        fill();
      } catch (error) {
        // An answer the page cannot show is said so, never left at "Loading …".
        return clear(listed, notice(`Could not list what ${target.name} answered: ${error.message}. You can still type a scope below.`, 'error'));
      }
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
        h('div', { class: 'field' }, h('label', { for: 'grant-resource' }, `Resource (listed by ${target.name})`), resourceSelect,
          h('p', { class: 'error', id: 'grant-resource-error', 'aria-live': 'polite' })),
        field('grant', { name: 'action', label: 'Action', options: catalog.actions, value: 'run' }),
        field('grant', { name: 'scope', label: 'Or any scope', placeholder: 'agents:web-agent:run', match: 'scope', hint: 'Leave empty to grant the choice above.' }),
      ], 'Grant', async ({ subject, family, resource, action, scope }) => {
        if (!scope && !resource) throw Object.assign(new Error('choose a resource (or type a scope below)'), { field: 'resource' });
        await post(`${base}/os/${enc(target.id)}/grants`, { subject: subjectBody(subject), scope: scope || `${family}:${resource}:${action}` });
        await rerender();
      }));
  };
  osSelect.addEventListener('change', show);
  setTimeout(show);
  // Explain's "Grant this" shows the OS it granted on, with the new grant in the table.
  shared.showGrants = (osID) => {
    osSelect.value = osID;
    return show();
  };
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

/** Whether holding `held` meets the required scope `needed`: AgentOSAuth's ScopeSet.satisfies, for
 * wording the answer only (the server decides). */
function covers(held, needed, adminScope) {
  if (held === adminScope || held === needed) return true;
  const [resource, ...rest] = needed.split(':');
  if (rest.length === 2) return held === `${resource}:${rest[1]}` || held === `${resource}:*:${rest[1]}`;
  if (rest.length === 1) return held === `${resource}:*:${rest[0]}`;
  return false;
}

/** `agents:finance-agent:run (or agents:run)`: a per-id scope and the family-wide one that also meets it. */
function scopeWithBroader(scope) {
  const parts = scope.split(':');
  return parts.length === 3 ? [h('code', {}, scope), ' (or ', h('code', {}, `${parts[0]}:${parts[2]}`), ')'] : [h('code', {}, scope)];
}

function joined(items, word) {
  return items.flatMap((item, i) => (i === 0 ? [item] : [i === items.length - 1 ? ` ${word} ` : ', ', item]));
}

/**
 * One sentence from the explain answer: the scopes the request needs (the server's
 * `required_scopes`, with the id of the path already in them), those of them the subject lacks,
 * and where the ones it holds come from. The gate's own message ("Required scope(s): agents:run",
 * the route's rule before the id is put in) is not repeated beside it.
 */
export function verdict(answer, { who, self, osName, adminScope }) {
  const required = answer.required_scopes ?? [];
  const matched = answer.matched_scopes ?? [];
  const missing = required.filter((needed) => !matched.some((held) => covers(held, needed, adminScope)));
  const [needs, holds] = self ? ['you need', 'you hold'] : [`${who} needs`, `${who} holds`];
  if (answer.allowed) {
    const sources = matched.map((scope) => [h('code', {}, scope), ` (${(answer.granted_by?.[scope] ?? []).map(describeSource).join(', ') || 'held'})`]);
    const words = sources.length
      ? ['Allowed: ', holds, ' ', joined(sources, 'and'), ` on ${osName}`, answer.detail ? ` (${answer.detail})` : '', '.']
      : ['Allowed', answer.detail ? `: ${answer.detail}` : '', ` on ${osName}.`];
    return { missing: [], words };
  }
  if (missing.length) {
    return { missing, words: ['Refused: ', needs, ' ', joined(missing.map(scopeWithBroader), 'and'), ` on ${osName}.`] };
  }
  return { missing: [], words: [`Refused (${answer.status}): `, answer.detail ?? 'the OS would refuse this request', '.'] };
}

export function explainSection(shared) {
  const { base, os, people, me, admin, catalog } = shared;
  const out = h('div', { id: 'explain-result', 'aria-live': 'polite' });
  const run = async ({ subject, os: target, method, path }) => {
    if (!target) throw Object.assign(new Error('connect an OS first'), { field: 'os' });
    const self = subject === `user:${me.user.id}`;
    const body = self ? { method, path } : { subject: subjectBody(subject), method, path };
    const answer = await post(`${base}/os/${enc(target)}/explain`, body);
    const chosen = os.find((o) => o.id === target);
    const osName = chosen && chosen.name !== chosen.id ? `${chosen.name} (${chosen.id})` : target;
    const who = people.find(([value]) => value === subject)?.[1] ?? subject;
    const { missing, words } = verdict(answer, { who, self, osName, adminScope: catalog.admin_scope });
    // An admin grants the narrowest scope the request lacks (the per-id one), then asks again. Only
    // a scope whose id names one resource, as in the grant picker (isResourceID): explaining
    // `/agents/*/runs` must not grant agents:*:run, which is every agent.
    const grantable = missing.filter((scope) => {
      const parts = scope.split(':');
      return parts.length === 3 && isResourceID(parts[1]);
    });
    const grant = admin && grantable.length ? h('button', { type: 'button', class: 'primary', id: 'explain-grant' },
      `Grant ${grantable.join(' and ')} to ${self ? 'yourself' : who} on ${osName}`) : null;
    const noGrant = admin && missing.length && !grantable.length
      ? h('p', { class: 'hint', id: 'explain-no-grant' }, 'No "Grant this": none of these scopes names one resource; grant or bind it below on purpose.') : null;
    grant?.addEventListener('click', async () => {
      grant.disabled = true;
      try {
        for (const scope of grantable) await post(`${base}/os/${enc(target)}/grants`, { subject: subjectBody(subject), scope });
        await shared.showGrants?.(target);
        await run({ subject, os: target, method, path });
        out.prepend(notice(`Granted ${grantable.join(' and ')}; explained again:`, 'success'));
      } catch (error) {
        grant.disabled = false;
        grant.after(notice(error.message, 'error'));
      }
    });
    clear(out,
      h('p', { class: `notice ${answer.allowed ? 'success' : 'error'}`, id: 'explain-verdict', role: 'status' }, words),
      grant ? h('div', { class: 'actions' }, grant) : noGrant,
      h('p', { class: 'hint' }, `${method} ${path}: ${answer.allowed ? 'the OS would answer' : 'the OS would refuse with'} ${answer.status}.`));
  };
  return section('Explain',
    h('p', { class: 'hint' }, 'Would this request be allowed on the OS, and why?'),
    form('explain', [
      field('explain', { name: 'subject', label: 'Subject', options: people, value: `user:${me.user.id}` }),
      field('explain', { name: 'os', label: 'OS', options: os.map((o) => [o.id, o.name]) }),
      field('explain', { name: 'method', label: 'Method', options: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], value: 'POST' }),
      field('explain', { name: 'path', label: 'Path', required: true, value: '/agents/web-agent/runs', match: 'path' }),
    ], 'Explain', run), out);
}
