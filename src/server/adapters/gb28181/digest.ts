import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthHeader } from 'sip';

/**
 * HTTP digest for SIP REGISTER (RFC 2617 as GB/T 28181 §9.1 uses it: MD5, usually without qop).
 * Nonces are stateless: a timestamp signed with a key of this process, so checking one needs no
 * table and a flood of unauthenticated REGISTERs stores nothing.
 */
export const md5 = (...parts: string[]) => createHash('md5').update(parts.join(':')).digest('hex');

/** HA1 = MD5(user:realm:password): what is stored instead of the password. */
export const digestHa1 = (user: string, realm: string, password: string) => md5(user, realm, password);

export const unquote = (v: string | undefined) => (v && v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : (v ?? ''));
const quote = (v: string) => `"${v}"`;

export class DigestNonces {
  private readonly key = randomBytes(32);

  constructor(private readonly lifetimeMs = 5 * 60_000) {}

  issue(nowMs: number): string {
    const ts = nowMs.toString(16);
    return `${ts}.${this.sign(ts)}`;
  }

  /** 'ok', 'stale' (ours but too old: the device retries with a new one) or 'invalid'. */
  check(nonce: string, nowMs: number): 'ok' | 'stale' | 'invalid' {
    const [ts, sig] = nonce.split('.');
    if (!ts || !sig || !/^[0-9a-f]{1,13}$/.test(ts)) return 'invalid';
    const expected = Buffer.from(this.sign(ts));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const age = nowMs - parseInt(ts, 16);
    return age >= -60_000 && age <= this.lifetimeMs ? 'ok' : 'stale';
  }

  private sign(ts: string) {
    return createHmac('sha256', this.key).update(ts).digest('base64url').slice(0, 22);
  }
}

/** The `WWW-Authenticate` challenge of a 401. */
export function challengeHeader(realm: string, nonce: string, stale = false): AuthHeader {
  return { scheme: 'Digest', realm: quote(realm), nonce: quote(nonce), algorithm: 'MD5', ...(stale ? { stale: 'TRUE' } : {}) };
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string;
}

/** The Digest `Authorization` header's fields, unquoted; null when there is none. */
export function credentialsOf(headers: AuthHeader[] | undefined): DigestCredentials | null {
  const h = headers?.find((a) => a.scheme?.toLowerCase() === 'digest');
  if (!h) return null;
  return {
    username: unquote(h.username),
    realm: unquote(h.realm),
    nonce: unquote(h.nonce),
    uri: unquote(h.uri),
    response: unquote(h.response).toLowerCase(),
    qop: h.qop ? unquote(h.qop) : undefined,
    nc: h.nc ? unquote(h.nc) : undefined,
    cnonce: h.cnonce ? unquote(h.cnonce) : undefined,
    algorithm: h.algorithm ? unquote(h.algorithm) : undefined,
  };
}

/** The response a device with this HA1 should have sent. */
export function expectedResponse(ha1: string, method: string, c: DigestCredentials): string {
  const ha2 = md5(method, c.uri);
  return c.qop === 'auth' ? md5(ha1, c.nonce, c.nc ?? '', c.cnonce ?? '', 'auth', ha2) : md5(ha1, c.nonce, ha2);
}

export function responseMatches(ha1: string, method: string, c: DigestCredentials): boolean {
  const a = Buffer.from(expectedResponse(ha1, method, c));
  const b = Buffer.from(c.response);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a device puts in its `Authorization` header (the simulator and tests use it). */
export function authorizationHeader(user: string, realm: string, password: string, method: string, uri: string, nonce: string): AuthHeader {
  const c: DigestCredentials = { username: user, realm, nonce, uri, response: '' };
  return { scheme: 'Digest', username: quote(user), realm: quote(realm), nonce: quote(nonce), uri: quote(uri), response: quote(expectedResponse(digestHa1(user, realm, password), method, c)), algorithm: 'MD5' };
}
