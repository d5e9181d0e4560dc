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

/** A short-lived token for the signed-in user on `os` (held in memory only, never stored). */
export async function tokenFor(org, os, ttl = 300) {
  return post(`/v1/orgs/${enc(org)}/os/${enc(os)}/tokens`, { ttl_seconds: ttl });
}

/** A call straight to an AgentOS (the control plane never proxies it). */
export async function osCall(baseURL, method, path, { token, form } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (form) body = new URLSearchParams(form);
  let response;
  try {
    response = await fetch(baseURL.replace(/\/+$/, '') + path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, 'unreachable', `cannot reach ${baseURL} (${error.message}); is it running, and does its CORS_ORIGIN_LIST name ${location.origin}?`);
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
