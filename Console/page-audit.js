// Audit: the trail (newest first) with filters, and the chain check's result. People and service
// accounts are shown by name and email (the API's actor_label / target_label), the raw id beside
// them; the filters match either.
import { enc, get } from './api.js';
import { clear, field, form, h, notice, section, table, when } from './dom.js';

/** The label when the API knows one ("Alice <alice@acme.test>"), else the raw id. */
function who(label, id) {
  return label ? h('span', { title: id }, label, h('br'), h('small', { class: 'raw-id' }, id)) : h('span', {}, id);
}

function contains(needle, ...haystacks) {
  const wanted = needle.toLowerCase();
  return !wanted || haystacks.some((text) => typeof text === 'string' && text.toLowerCase().includes(wanted));
}

export async function renderAudit(main, { org }) {
  const base = `/v1/orgs/${enc(org)}/audit`;
  const out = h('div', { id: 'audit-events' });
  const chain = h('div', { id: 'audit-verify', 'aria-live': 'polite' });
  let events = [];
  const show = (filter) => {
    const matches = events.filter((e) => contains(filter.action, e.action)
      && contains(filter.actor, e.actor, e.actor_label) && contains(filter.target, e.target, e.target_label));
    clear(out,
      h('p', { class: 'hint', id: 'audit-count' }, `${matches.length} of the ${events.length} newest events.`),
      table(['#', 'When', 'Actor', 'Action', 'Target', 'Details'], matches.map((e) => [String(e.seq), when(e.at), who(e.actor_label, e.actor),
        h('code', {}, e.action), who(e.target_label, e.target), Object.entries(e.details ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')]), 'No events match.'));
  };
  const load = async ({ limit = '100', action = '', actor = '', target = '' } = {}) => {
    events = (await get(`${base}?limit=${enc(limit)}`)).events;
    show({ action, actor, target });
  };
  const verify = h('button', { type: 'button', id: 'verify-chain' }, 'Check the chain');
  verify.addEventListener('click', async () => {
    try {
      const result = await get(`${base}/verify`);
      clear(chain, result.verified
        ? notice(`Chain intact: ${result.events} events, every hash recomputed.`, 'success')
        : notice(`Chain broken at event #${result.broken_at?.seq} (${result.broken_at?.action}): it was altered after it was written.`, 'error'));
    } catch (error) {
      clear(chain, notice(error.message, 'error'));
    }
  });
  // The first answer comes before the page is drawn (app.js shows "Loading…" until then).
  events = (await get(`${base}?limit=100`)).events;
  clear(main, h('h1', {}, 'Audit'),
    section('Integrity', h('p', { class: 'hint' }, 'Each event carries the hash of the one before; the check recomputes them all.'), verify, chain),
    section('Events', form('audit', [
      field('audit', { name: 'action', label: 'Action contains', placeholder: 'grant.' }),
      field('audit', { name: 'actor', label: 'Actor: name, email or id contains' }),
      field('audit', { name: 'target', label: 'Target: name, email or id contains' }),
      field('audit', { name: 'limit', label: 'Newest', options: ['50', '100', '500'], value: '100' }),
    ], 'Filter', load), out));
  show({ action: '', actor: '', target: '' });
}
