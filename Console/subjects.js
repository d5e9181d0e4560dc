// Subjects (members and service accounts) for pickers, and the OS's real agents, teams and workflows.
import { callOS, enc, get, getAll, isResourceID } from './api.js';

/** "Alice <alice@acme.test>", or the email alone when there is no other name: how people are named. */
export function person(user) {
  return user.name && user.name !== user.email ? `${user.name} <${user.email}>` : user.email;
}

/** [[value, label]] with values `user:<id>` / `svc:<id>`; members and service accounts need an admin. */
export async function subjects(org, me, admin) {
  if (!admin) return [[`user:${me.user.id}`, `${person(me.user)} (you)`]];
  const base = `/v1/orgs/${enc(org)}`;
  const [{ members }, { service_accounts: accounts }] = await Promise.all([
    getAll(`${base}/members`, 'members'), getAll(`${base}/service-accounts`, 'service_accounts')]);
  return members.map((m) => [`user:${m.user.id}`, `${person(m.user)}${m.user.id === me.user.id ? ' (you)' : ''}${m.state === 'invited' ? ' (invited)' : ''}`])
    .concat(accounts.filter((a) => !a.revoked_at).map((a) => [`svc:${a.id}`, `${a.name} (service account)`]));
}

/** `user:<id>` → `{user: id}`, `svc:<id>` → `{service_account: id}` (the API's subject body). */
export function subjectBody(value) {
  const [kind, id] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  return kind === 'svc' ? { service_account: id } : { user: id };
}

export function subjectQuery(value) {
  const body = subjectBody(value);
  return body.user ? `user=${enc(body.user)}` : `service_account=${enc(body.service_account)}`;
}

export function describeSource(source) {
  if (source.kind === 'grant') return 'a direct grant';
  return `role ${source.role}${source.os ? ` on ${source.os}` : ' on every OS'}`;
}

const cache = new Map();

/**
 * The OS's agents, teams and workflows, asked from the OS itself (the control plane never proxies
 * it), each list with its own 60-s token of the signed-in user carrying only `<family>:read`:
 * `{agents: [...], teams, workflows, errors?}`. Callers show the OS's URL first (ostarget.js).
 */
export async function resources(org, os) {
  const key = `${org}/${os.id}/${os.url}`;
  if (cache.has(key)) return cache.get(key);
  const result = { agents: [], teams: [], workflows: [] };
  for (const family of Object.keys(result)) {
    try {
      const list = await callOS(org, os, [`${family}:read`], 'GET', `/${family}`);
      const items = (Array.isArray(list) ? list : list?.data ?? []).map((item) => ({ id: item.id ?? item.agent_id ?? item.team_id ?? item.workflow_id, name: item.name ?? item.id }));
      // Only ids that name one resource become choices: an OS answering `*` would otherwise make
      // the picker grant every agent (isResourceID).
      result[family] = items.filter((item) => isResourceID(item.id));
      const left = items.length - result[family].length;
      if (left) result.errors = (result.errors ?? []).concat(`${family}: ${left} listed with an id that cannot name one resource (left out)`);
    } catch (error) {
      result.errors = (result.errors ?? []).concat(`${family}: ${error.message}`);
    }
  }
  // Only a full answer is kept (30 s): after a failure, the next try asks the OS again.
  if (!result.errors) {
    cache.set(key, result);
    setTimeout(() => cache.delete(key), 30000);
  }
  return result;
}
