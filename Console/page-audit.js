// Audit: the trail (newest first) with filters, and the chain check's result.
import { enc, get } from './api.js';
import { clear, field, form, h, notice, section, table, when } from './dom.js';

export async function renderAudit(main, { org }) {
  const base = `/v1/orgs/${enc(org)}/audit`;
  const out = h('div', { id: 'audit-events' });
  const chain = h('div', { id: 'audit-verify', 'aria-live': 'polite' });
  let events = [];
  const show = (filter) => {
    const matches = events.filter((e) => (!filter.action || e.action.includes(filter.action))
      && (!filter.actor || e.actor.includes(filter.actor)) && (!filter.target || e.target.includes(filter.target)));
    clear(out, table(['#', 'When', 'Actor', 'Action', 'Target', 'Details'], matches.map((e) => [String(e.seq), when(e.at), e.actor, h('code', {}, e.action), e.target,
      Object.entries(e.details).map(([k, v]) => `${k}=${v}`).join(' ')]), 'No events match.'));
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
  clear(main, h('h1', {}, 'Audit'),
    section('Integrity', h('p', { class: 'hint' }, 'Each event carries the hash of the one before; the check recomputes them all.'), verify, chain),
    section('Events', form('audit', [
      field('audit', { name: 'action', label: 'Action contains', placeholder: 'grant.' }),
      field('audit', { name: 'actor', label: 'Actor contains' }),
      field('audit', { name: 'target', label: 'Target contains' }),
      field('audit', { name: 'limit', label: 'Newest', options: ['50', '100', '500'], value: '100' }),
    ], 'Filter', load), out));
  await load();
}
