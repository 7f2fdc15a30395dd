// Thin client for the OpenKAP HTTP API. Authentication rides on the HttpOnly session
// cookie the server sets; state-changing requests echo the readable `openkap_csrf`
// cookie in X-CSRF-Token. No token is ever stored by the page itself.
import type { Problem } from './types';

export const API = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problem?.detail || problem?.title || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Per-field reasons, keyed by normalised field path ("address.city", "diagnoses.0.code"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const list = this.problem?.errors ?? [];
    for (const e of list) {
      if (!e || typeof e.field !== 'string') continue;
      const key = normaliseField(e.field);
      out[key] = out[key] ? `${out[key]}; ${e.reason}` : e.reason;
    }
    if (list.length === 0 && this.problem?.field) {
      out[normaliseField(this.problem.field)] = this.problem.detail ?? this.problem.title ?? 'Invalid value';
    }
    return out;
  }
}

/** "diagnoses[0].code" and "/diagnoses/0/code" both become "diagnoses.0.code". */
export function normaliseField(field: string): string {
  return field
    .replace(/^\$\.?/, '')
    .replace(/^\//, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\./, '');
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called whenever an authenticated request answers 401 (session ended or expired). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  /** Do not broadcast a 401 (used by the login and who-am-I calls). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie('openkap_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, null, 'The server could not be reached. Check the connection and try again.');
  }

  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  let data: unknown = null;
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(res.status, (data as Problem | null) ?? null, fallbackMessage(res.status));
  }
  return data as T;
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Your session has ended. Please sign in again.';
    case 403:
      return 'You do not have permission to do that.';
    case 404:
      return 'Not found.';
    case 409:
      return 'The record was changed by someone else.';
    case 429:
      return 'Too many attempts. Please wait and try again.';
    case 503:
      return 'The server is not ready. Try again shortly.';
    default:
      return `The server answered with an error (${status}).`;
  }
}

export const get = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts);
export const patch = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts);
export const del = <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts);

/** Builds "?a=1&b=x" from the non-empty entries. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
