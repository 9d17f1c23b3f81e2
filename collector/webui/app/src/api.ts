// Calls to the collector's /api/v1 with the session cookie (HttpOnly, SameSite=Strict, set by
// POST /api/v1/login). Writes carry the session's CSRF token in X-CSRF-Token.
import { t } from './i18n';

export class Unauthorised extends Error {}

type ErrorParams = Record<string, string | number>;
// A refused call, worded in the page's language from the API's stable code and parameters
// ({"error": English, "code": ..., "params": {...}}); `english` keeps the API's own message.
export class ApiError extends Error {
  constructor(readonly status: number, readonly english: string, readonly code = '', readonly params: ErrorParams = {}) {
    super(t.apiErrors[code]?.(params) ?? t.apiStatus(status));
    this.name = '';  // String(error) is the message alone
  }
}

async function apiError(response: Response, path: string): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: unknown; code?: unknown; params?: unknown } | null;
  const english = typeof body?.error === 'string' ? body.error : `${path}: HTTP ${response.status}`;
  const params = body?.params && typeof body.params === 'object' ? (body.params as ErrorParams) : {};
  return new ApiError(response.status, english, typeof body?.code === 'string' ? body.code : '', params);
}

export interface Session {
  user: string;
  role: 'viewer' | 'planner' | 'admin';
  csrf_token: string;
}

let current: Session | null = null;

export function session(): Session | null {
  return current;
}

// `signal` aborts the call (a newer what-if supersedes it): the promise then rejects with an AbortError.
async function call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && current) headers['X-CSRF-Token'] = current.csrf_token;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (response.status === 401) {
    current = null;
    throw new Unauthorised();
  }
  if (!response.ok) throw await apiError(response, path);
  return response;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await call('GET', path, undefined, signal)).json()) as T;
}

// The session of the cookie the browser holds, if any.
export async function resumeSession(): Promise<Session | null> {
  try {
    current = await getJson<Session>('/api/v1/session');
  } catch (e) {
    if (!(e instanceof Unauthorised)) throw e;
  }
  return current;
}

export async function signIn(user: string, password: string): Promise<void> {
  current = (await (await call('POST', '/api/v1/login', { user, password })).json()) as Session;
}

export async function signOut(): Promise<void> {
  try {
    await call('POST', '/api/v1/logout', {});
  } finally {
    current = null;
  }
}

// A GET that tells "not there yet" apart from failure: the body for 200, null for 202 (still
// computing), 404 (endpoint or object absent) or 503 (not ready); throws otherwise.
export async function getJsonIfReady<T>(path: string): Promise<T | null> {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (response.status === 401) {
    current = null;
    throw new Unauthorised();
  }
  if (response.status === 202 || response.status === 404 || response.status === 503) return null;
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

// A write (POST, PUT, DELETE) with a JSON body; the answer as it came (a file to save, say).
export function sendRaw(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  return call(method, path, body);
}

// A write (POST, PUT, DELETE) with a JSON body; the answer's JSON, or null when it has none.
export async function sendJson<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown,
  signal?: AbortSignal): Promise<T | null> {
  const response = await call(method, path, body, signal);
  const text = await response.text();
  return text ? (JSON.parse(text) as T) : null;
}

// A file sent as it is (POST /api/v1/import takes any Content-Type and reads the content). The
// answer's JSON; a 422 whose body carries results (an all-or-nothing import refused, with every
// row's outcome) is returned too, with its status, since the page shows those rows.
export async function sendFile<T>(path: string, file: Blob): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
  if (current) headers['X-CSRF-Token'] = current.csrf_token;
  const response = await fetch(path, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  if (response.status === 401) {
    current = null;
    throw new Unauthorised();
  }
  if (response.status === 422) {
    const body = (await response.clone().json().catch(() => null)) as T | null;
    if (body && typeof body === 'object' && 'hosts' in body) return { status: 422, body };
  }
  if (!response.ok) throw await apiError(response, path);
  return { status: response.status, body: (await response.json()) as T };
}
