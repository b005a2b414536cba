/**
 * Minimal JSON client for the xiaoan API with a session cookie. Uses Node's global fetch
 * (undici), which keeps connections alive and pools them per origin, so N concurrent callers
 * reuse up to N sockets.
 */

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status}: ${body.slice(0, 500)}`);
    this.name = 'HttpError';
  }
}

export interface ApiClientOptions {
  /** Abort one request after this long (default 30 s). */
  timeoutMs?: number;
}

export class ApiClient {
  private cookie: string | undefined;
  private readonly timeoutMs: number;

  constructor(
    readonly baseUrl: string,
    opts: ApiClientOptions = {},
  ) {
    const url = new URL(baseUrl);
    // Benchmarks only ever talk to a server they started on this machine.
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') {
      throw new Error(`refusing to send benchmark traffic to ${url.hostname}; only loopback addresses are allowed`);
    }
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** The session cookie after login (for a WebSocket opened beside the client). */
  get sessionCookie(): string | undefined {
    return this.cookie;
  }

  /** Sends a request; returns the parsed JSON body (undefined for 204). Throws HttpError on non-2xx. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Read the whole body: a request is complete only when its last byte has arrived.
    const text = await res.text();
    if (!res.ok) throw new HttpError(method, path, res.status, text);
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';', 1)[0]!;
      if (pair.startsWith('xiaoan_session=')) this.cookie = pair;
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * GET returning the raw body text, not parsed: for timed requests, so that the timing ends
   * with the last byte received and does not include client-side JSON parsing.
   */
  async getText(path: string): Promise<string> {
    const res = await fetch(this.baseUrl + path, {
      headers: this.cookie ? { accept: 'application/json', cookie: this.cookie } : { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError('GET', path, res.status, text);
    return text;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  async login(username: string, password: string): Promise<void> {
    await this.post('/api/auth/login', { username, password });
    if (!this.cookie) throw new Error(`login as ${username} returned no session cookie`);
  }
}

/** `{a: 1, b: ['x','y'], c: undefined}` → `?a=1&b=x&b=y`. */
export function queryString(params: Record<string, string | number | readonly (string | number)[] | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, String(x));
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
