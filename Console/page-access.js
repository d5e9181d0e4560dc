// Access: roles (built-in read-only, custom with a scope picker), bindings, grants, effective access, Explain.
import { enc, get, getAll, post, put, del } from './api.js';
import { ask, clear, field, form, h, removeButton, section, table, when } from './dom.js';
import { subjects, subjectBody } from './subjects.js';
import { grantsSection, effectiveSection, explainSection } from './access-grants.js';

let catalogue = null;

/**
 * Agno's resources and actions as the server lints scopes (`GET /v1/scope-catalog`: AgentOSAuth's
 * ScopeCatalog, Company's resources included), asked once per page load; the console keeps no copy.
 */
export function scopeCatalog() {
  catalogue ??= get('/v1/scope-catalog').catch((error) => { catalogue = null; throw error; });
  return catalogue;
}

export async function renderAccess(main, context) {
  const { org, me, role } = context;
  const admin = role === 'admin' || role === 'owner';
  const base = `/v1/orgs/${enc(org)}`;
  const [{ roles }, { role_bindings: bindings }, { os }, people, catalog] = await Promise.all([
    getAll(`${base}/roles`, 'roles'), getAll(`${base}/role-bindings`, 'role_bindings'), getAll(`${base}/os`, 'os'), subjects(org, me, admin), scopeCatalog()]);
  const rerender = () => renderAccess(main, context);
  const shared = { ...context, admin, base, roles, os, people, catalog, rerender };
  clear(main,
    h('h1', {}, 'Access'),
    effectiveSection(shared),
    explainSection(shared),
    admin ? grantsSection(shared) : null,
    bindingsSection(shared, bindings),
    rolesSection(shared));
}

function bindingsSection({ admin, base, roles, os, people, rerender }, bindings) {
  const rows = bindings.map((b) => [b.subject.label, b.role, b.os ?? 'every OS', when(b.created_at),
    admin ? removeButton(`unbind-${b.subject.label}-${b.role}`, async () => {
      if (!ask(`Remove the binding of ${b.role} to ${b.subject.label} on ${b.os ?? 'every OS'}? Their new tokens no longer carry its scopes.`)) return;
      await del(`${base}/role-bindings/${enc(b.id)}`);
      await rerender();
    }) : '']);
  return section('Role bindings',
    h('p', { class: 'hint' }, 'A binding gives a subject every scope of a role, on one OS or on all of them.'),
    table(['Subject', 'Role', 'OS', 'Since', ''], rows, 'No bindings yet: nobody gets a token with any scope until you bind a role or grant a scope.'),
    admin ? form('bind', [
      field('bind', { name: 'subject', label: 'Subject', options: people }),
      field('bind', { name: 'role', label: 'Role', options: roles.map((r) => [r.slug, r.name === r.slug ? r.slug : `${r.slug} — ${r.name}`]), value: 'os-viewer' }),
      field('bind', { name: 'os', label: 'OS', options: [['', 'Every OS']].concat(os.map((o) => [o.id, o.name])) }),
    ], 'Bind', async ({ subject, role, os: target }) => {
      await post(`${base}/role-bindings`, target ? { subject: subjectBody(subject), role, os: target } : { subject: subjectBody(subject), role });
      await rerender();
    }) : null);
}

/** Resources × actions from the server's catalogue, Agno's own first, then Company's; free scopes below. */
function scopePicker(name, catalog, selected = []) {
  const chosen = new Set(selected);
  const { actions, company_resources: company } = catalog;
  const row = (resource) => h('tr', {}, h('th', { scope: 'row' }, resource), actions.map((action) => {
    const scope = `${resource}:${action}`;
    return h('td', {}, h('input', { type: 'checkbox', class: 'scope', value: scope, checked: chosen.has(scope), 'aria-label': scope, id: `${name}-scope-${resource}-${action}` }));
  }));
  const group = (title, resources) => (resources.length ? h('tbody', {},
    h('tr', { class: 'scope-group' }, h('th', { scope: 'colgroup', colspan: String(actions.length + 1) }, title)), resources.map(row)) : null);
  const grid = h('table', { class: 'scope-grid', id: `${name}-scope-grid` },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Resource'), actions.map((a) => h('th', { scope: 'col' }, a)))),
    group('Agno', catalog.resources.filter((r) => !company.includes(r))),
    group('Company', catalog.resources.filter((r) => company.includes(r))));
  const known = new Set(catalog.resources.flatMap((r) => actions.map((a) => `${r}:${a}`)));
  const perId = catalog.per_resource[0] ?? 'agents';
  return h('fieldset', { class: 'scopes' }, h('legend', {}, 'Scopes'), h('div', { class: 'table-wrap' }, grid),
    field(name, { name: 'scopes', label: `More scopes, one a line (e.g. ${perId}:web-agent:run or ${catalog.admin_scope})`, type: 'textarea', match: 'scope',
      hint: `One id: ${catalog.per_resource.join(', ')}. ${catalog.admin_scope} is everything on the OS.`,
      value: selected.filter((s) => !known.has(s)).join('\n') }));
}

function pickedScopes(el) {
  const boxes = [...el.querySelectorAll('input.scope:checked')].map((c) => c.value);
  const typed = el.querySelector('textarea[name=scopes]').value.split('\n').map((s) => s.trim()).filter(Boolean);
  return boxes.concat(typed);
}

function rolesSection({ admin, base, roles, catalog, rerender }) {
  const rows = roles.map((r) => [h('code', {}, r.slug), r.name, r.builtin ? 'built-in (read-only)' : 'custom',
    h('div', { class: 'scope-list' }, r.scopes.map((s) => h('code', {}, s))),
    admin && !r.builtin ? h('div', { class: 'row-actions' },
      h('button', { type: 'button', id: `edit-role-${r.slug}`, onclick: () => editRole(r) }, 'Edit scopes'),
      removeButton(`delete-role-${r.slug}`, async () => {
        if (!ask(`Delete role ${r.slug} and its bindings?`)) return;
        await del(`${base}/roles/${enc(r.slug)}?force=true`);
        await rerender();
      }, 'Delete')) : '']);
  const editor = h('div', { id: 'role-editor' });
  const editRole = (r) => clear(editor, h('h3', {}, `Scopes of ${r.slug}`), form('edit-role', [scopePicker('edit-role', catalog, r.scopes)], 'Save scopes', async (_, el) => {
    await put(`${base}/roles/${enc(r.slug)}/scopes`, { scopes: pickedScopes(el) });
    await rerender();
  }));
  return section('Roles',
    table(['Slug', 'Name', 'Kind', 'Scopes', ''], rows, 'No roles.'), editor,
    admin ? h('details', {}, h('summary', {}, 'Create a custom role'), form('role', [
      field('role', { name: 'slug', label: 'Slug', required: true, placeholder: 'support-agent' }),
      field('role', { name: 'name', label: 'Name' }),
      scopePicker('role', catalog),
    ], 'Create role', async ({ slug, name }, el) => {
      const body = { slug, scopes: pickedScopes(el) };
      if (name) body.name = name;
      await post(`${base}/roles`, body);
      await rerender();
    })) : null);
}
