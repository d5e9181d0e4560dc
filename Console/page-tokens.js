// Tokens: one for yourself (copy), service accounts (secret shown once), revocations.
import { enc, getAll, post, del } from './api.js';
import { ask, clear, field, form, h, notice, removeButton, section, secret, table, when } from './dom.js';

export async function renderTokens(main, context) {
  const { org, role } = context;
  const admin = role === 'admin' || role === 'owner';
  const base = `/v1/orgs/${enc(org)}`;
  const { os } = await getAll(`${base}/os`, 'os');
  const accounts = admin ? (await getAll(`${base}/service-accounts`, 'service_accounts')).service_accounts : [];
  const rerender = () => renderTokens(main, context);
  const issued = h('div', { id: 'token-result' });
  const created = h('div', { id: 'service-account-secret' });
  const osOptions = os.map((o) => [o.id, o.name]);

  clear(main,
    h('h1', {}, 'Tokens'),
    section('A token for yourself',
      os.length ? form('token', [
        field('token', { name: 'os', label: 'OS', options: osOptions }),
        field('token', { name: 'ttl', label: 'Lifetime (seconds)', type: 'number', value: '900', match: 'ttl' }),
        field('token', { name: 'scopes', label: 'Only these scopes (optional, space-separated)', match: 'scope' }),
      ], 'Issue token', async ({ os: target, ttl, scopes }) => {
        const body = { ttl_seconds: Number(ttl) };
        if (scopes) body.scopes = scopes.split(/\s+/);
        const token = await post(`${base}/os/${enc(target)}/tokens`, body);
        clear(issued, secret(`Bearer token for ${target} (expires ${when(token.expires_at)})`, token.access_token, 'token-value'),
          h('p', { class: 'hint' }, 'Scopes: ', token.scopes.map((s) => h('code', {}, s, ' ')), ` · jti ${token.jti}`));
      }) : h('p', { class: 'empty' }, 'No OS yet: connect one on the OSes page first.'),
      issued),
    admin ? section('Service accounts',
      h('p', { class: 'hint' }, 'Machine clients: they get tokens with the OAuth2 client-credentials grant at /oauth/token.'),
      table(['Name', 'Client id', 'Token broker', 'Created', ''], accounts.map((a) => [a.name, h('code', {}, a.client_id), a.token_broker ? 'yes' : 'no',
        a.revoked_at ? `revoked ${when(a.revoked_at)}` : when(a.created_at),
        a.revoked_at ? '' : removeButton(`revoke-sa-${a.name}`, async () => {
          if (!ask(`Revoke the service account ${a.name} (${a.client_id})? Its secret stops getting tokens at once.`)) return;
          await del(`${base}/service-accounts/${enc(a.id)}`);
          await rerender();
        }, 'Revoke')]),
      'No service accounts.'),
      form('service-account', [
        field('service-account', { name: 'name', label: 'Name', required: true }),
        field('service-account', { name: 'token_broker', label: 'Token broker (may get tokens for other subjects)', type: 'checkbox' }),
      ], 'Create service account', async ({ name, token_broker: broker }) => {
        const account = await post(`${base}/service-accounts`, { name, token_broker: broker });
        await rerender();
        clear(main.querySelector('#service-account-secret'), notice(`Client id ${account.client_id}`, 'success'), secret('Client secret', account.client_secret, 'sa-secret'));
      }),
      created) : null,
    admin && os.length ? section('Revoke tokens',
      h('p', { class: 'hint' }, 'Revoked tokens are refused by OSes that read the status list, within its TTL.'),
      form('revoke', [
        field('revoke', { name: 'os', label: 'OS', options: osOptions }),
        field('revoke', { name: 'kind', label: 'Revoke by', options: [['jti', 'token id (jti)'], ['subject', 'every token of a subject'], ['token', 'the token itself']] }),
        field('revoke', { name: 'value', label: 'Value', required: true, hint: 'A jti, an email / user id / svc:<id>, or a token.' }),
      ], 'Revoke', async ({ os: target, kind, value }, el) => {
        const answer = await post(`${base}/os/${enc(target)}/token-revocations`, { [kind]: value });
        el.querySelector('#revoke-error').textContent = '';
        el.append(notice(`${answer.revoked} token(s) revoked.`, 'success'));
      })) : null);
}
