/**
 * The one place the web console talks HTTP: JSON in and out, the session cookie, and the
 * server's error shape `{statusCode, code, message, details}` turned into an ApiError.
 */
import type { ErrorBody, ErrorCode, FieldProblem } from '../../shared/error-codes.ts';

/** Codes of failures that never reached the API's error handler. */
export type ClientErrorCode = 'NETWORK' | 'UNKNOWN';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

let onUnauthorized: (() => void) | null = null;
/** Called when a request other than a login is answered 401 (the session ended). */
/** The session ended outside an HTTP call (e.g. the live socket was closed for it). */
export function sessionEnded(): void {
  onUnauthorized?.();
}

export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export function toQueryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as ErrorBody).code === 'string' && typeof (v as ErrorBody).message === 'string';
}

/**
 * How far the server's clock is ahead of this device's, from each answer's Date header (whole
 * seconds): a phone whose clock is wrong still proposes times the server accepts (a visit's
 * window). Differences under 2 s are taken as none.
 */
let serverOffsetMs = 0;

/** The server's time now, as well as this device can tell. */
export const serverNow = (): number => Date.now() + serverOffsetMs;

function noteServerDate(res: Response) {
  const at = Date.parse(res.headers.get('date') ?? '');
  if (!Number.isFinite(at)) return;
  const offset = at + 500 - Date.now(); // the header drops the milliseconds: take the middle of its second
  serverOffsetMs = Math.abs(offset) < 2000 ? 0 : offset;
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path + toQueryString(opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  noteServerDate(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login' && path !== '/api/auth/me') onUnauthorized?.();
    if (isErrorBody(payload)) throw new ApiError(res.status, payload.code, payload.message, payload.details ?? []);
    throw new ApiError(res.status, 'UNKNOWN', text.slice(0, 200) || res.statusText);
  }
  return payload as T;
}

export const http = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};
