// The console's only way to the control plane: the public /v1 API, with the session in an
// HttpOnly cookie (the script never sees it) and the CSRF token echoed on mutating requests.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The cp_csrf cookie: SHA-256 of the session, readable by this page only. */
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)cp_csrf=([^;]*)/);
  return match ? match[1] : '';
}

let onSignedOut = () => {};
export function whenSignedOut(callback) { onSignedOut = callback; }

/** `session: true` asks a session-creating route to set the cookies instead of answering the token. */
export async function api(method, path, body, { session = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  if (session) headers['X-Session-Delivery'] = 'cookie';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = data?.error;
    const failure = new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? (text || response.statusText));
    if (response.status === 401 && !session && path !== '/v1/me') onSignedOut();
    throw failure;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, session = false) => api('POST', path, body ?? {}, { session });
export const del = (path) => api('DELETE', path);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);

export const enc = encodeURIComponent;

/**
 * A paged list (docs/api.md, "Lists page"): up to `pages` pages of `limit` items, following
 * `next_cursor`; answers `{ [key]: items, next_cursor }`, `next_cursor` set when more follow.
 */
export async function getPages(path, key, { pages = Infinity, limit = 500 } = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < pages; page += 1) {
    const answer = await get(`${path}?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...answer[key]);
    cursor = answer.next_cursor ?? null;
    if (!cursor) break;
  }
  return { [key]: items, next_cursor: cursor };
}

/** Every item of a paged list, as `{ [key]: items }`. */
export const getAll = (path, key) => getPages(path, key);

// Every token the console sends to an AgentOS is minted for that one call: narrowed to the
// scopes the call needs and 60 s long (issue #24). The OS's URL is whatever was registered, so a
// URL pointing at someone else's server receives one read or one run for a minute, never the
// user's whole access; and a user without the scope gets the control plane's refusal, never a
// broader token.
export const OS_TOKEN_TTL = 60;

/**
 * Whether an id an OS listed can name exactly one resource in a scope (`agents:<id>:run`): not
 * empty, at most 128 characters, and none of `*` (the wildcard: `agents:*:run` is every agent),
 * `:` (the separator) or a space or control character. The list comes from the OS, whose URL is
 * data someone typed; an id that fails is left out of every picker, never put in a scope.
 */
export function isResourceID(id) {
  return typeof id === 'string' && id.length > 0 && id.length <= 128 && !/[*:\s\p{Cc}\p{Cf}]/u.test(id);
}

/** The origin calls to `url` go to, or null when it is not an http(s) URL. */
export function originOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The OS's URL as calls use it (no trailing slash): the target the page shows. */
export function baseOf(url) {
  return String(url).replace(/\/+$/, '');
}

/**
 * `method path` on `os` (`{id, url}`) with a token minted for this call alone carrying exactly
 * `scopes` (held in memory for the call, never stored). `onToken(token)` hears what was sent.
 * A refused mint throws the control plane's error, marked `minted: false`.
 */
export async function callOS(org, os, scopes, method, path, { form, onToken } = {}) {
  let token;
  try {
    token = await post(`/v1/orgs/${enc(org)}/os/${enc(os.id)}/tokens`, { scopes, ttl_seconds: OS_TOKEN_TTL });
  } catch (error) {
    error.minted = false;
    error.message = `the control plane gives you no token for ${scopes.join(', ')}: ${error.message}`;
    throw error;
  }
  onToken?.(token);
  return fetchOS(os.url, method, path, { token: token.access_token, form });
}

/** A call to an AgentOS without a token (its public `/info`). */
export function osCall(baseURL, method, path) {
  return fetchOS(baseURL, method, path);
}

/** A call straight to an AgentOS (the control plane never proxies it); tokens come only from callOS. */
async function fetchOS(baseURL, method, path, { token, form } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (form) body = new URLSearchParams(form);
  let response;
  try {
    // With a token, no redirect is followed: the token goes to the URL the page showed, nowhere else.
    response = await fetch(baseOf(baseURL) + path, { method, headers, body, credentials: 'omit', cache: 'no-store', redirect: token ? 'error' : 'follow' });
  } catch (error) {
    throw new ApiError(0, 'unreachable', `cannot reach ${baseURL} (${error.message}); is it running, is its URL exact (no redirect is followed with a token), and does its CORS_ORIGIN_LIST name ${location.origin}?`);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!response.ok) {
    const detail = typeof data?.detail === 'string' ? data.detail : (text || response.statusText);
    throw new ApiError(response.status, 'os', `${response.status}: ${detail}`);
  }
  return data;
}
