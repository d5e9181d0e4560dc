// Organisations: the ones you belong to (switch), and a new one (you become its owner).
import { post } from './api.js';
import { clear, field, form, h, section, table, when } from './dom.js';

export async function renderOrgs(main, { me, navigate, reload }) {
  const rows = (me.memberships ?? []).map((m) => [
    h('a', { href: `#/o/${m.organization.slug}/os` }, m.organization.name),
    m.organization.slug, m.disabled ? `${m.role} (disabled)` : m.role, when(m.organization.created_at),
  ]);
  clear(main,
    h('h1', {}, 'Organisations'),
    section('Your organisations',
      table(['Name', 'Slug', 'Your role', 'Created'], rows, 'You belong to no organisation yet: create one below, or open an invitation link an admin gave you.')),
    section('Create an organisation',
      form('org', [
        field('org', { name: 'name', label: 'Name', required: true, placeholder: 'Acme' }),
        field('org', { name: 'slug', label: 'Slug', required: true, placeholder: 'acme', hint: 'Lower-case letters, digits and dashes; part of every URL.' }),
      ], 'Create', async ({ name, slug }) => {
        const org = await post('/v1/orgs', { slug, name });
        await reload();
        navigate(`#/o/${org.slug}/os`);
      })));
}
