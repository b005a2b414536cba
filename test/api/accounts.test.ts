/** Accounts, sessions, roles and login rate limiting. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;

describe('accounts and sessions', () => {
  before(async () => {
    t = await createTestApp({ env: { XIAOAN_LOGIN_MAX_ATTEMPTS: '5' } });
    U = await createUniversity(t.services, 'Ac');
  });
  after(() => t.close());

  it('logs in with an HTTP-only session cookie and tells the UI what the user may do', async () => {
    const res = await t.call(null, 'POST', '/api/auth/login', { username: 'admin', password: PASSWORD });
    assert.equal(res.statusCode, 200, res.body);
    const cookie = res.cookies.find((c) => c.name === 'xiaoan_session')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.value.length >= 40);
    assert.ok(!res.body.includes(cookie.value), 'the token is in the body');
    assert.ok(!res.body.includes('argon2'), 'the hash is in the body');
    const me = json(await t.call(`xiaoan_session=${cookie.value}`, 'GET', '/api/auth/me'));
    assert.equal(me.user.username, 'admin');
    assert.ok(me.permissions.includes('university.manage'));
    const stored = await t.store.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^\$argon2id\$/);
    const session = await t.store.db.selectFrom('sessions').selectAll().execute();
    assert.ok(session.every((s) => s.token_hash !== cookie.value), 'the raw token is stored');
  });

  it('refuses wrong passwords, unknown users and anonymous calls alike', async () => {
    const wrong = await t.call(null, 'POST', '/api/auth/login', { username: U.users.guard.username, password: 'nope-nope' });
    const unknown = await t.call(null, 'POST', '/api/auth/login', { username: 'nobody', password: 'nope-nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(json(wrong).message, json(unknown).message, 'the answer tells which usernames exist');
    assert.equal((await t.call(null, 'GET', '/api/devices')).statusCode, 401);
    assert.equal((await t.call('xiaoan_session=forged', 'GET', '/api/devices')).statusCode, 401);
  });

  it('limits login attempts per user and address', async () => {
    const target = U.users.auditor.username;
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await t.call(null, 'POST', '/api/auth/login', { username: target, password: 'guess-' + i })).statusCode);
    assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429]);
    const limited = await t.call(null, 'POST', '/api/auth/login', { username: target, password: PASSWORD });
    assert.equal(limited.statusCode, 429);
    assert.equal(json(limited).code, 'XIAOAN_AUTH_RATE_LIMITED');
    // Another user from the same address is not locked out.
    assert.equal((await t.call(null, 'POST', '/api/auth/login', { username: U.users.operator.username, password: PASSWORD })).statusCode, 200);
  });

  it('logout ends the session; a password change or disabling ends all sessions', async () => {
    const c1 = await t.login(U.users.operator.username);
    assert.equal((await t.call(c1, 'POST', '/api/auth/logout')).statusCode, 204);
    assert.equal((await t.call(c1, 'GET', '/api/auth/me')).statusCode, 401);

    const c2 = await t.login(U.users.operator.username);
    const changed = await t.call(c2, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'brand-new-pass' });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal((await t.call(c2, 'GET', '/api/auth/me')).statusCode, 401);
    const c3 = await t.login(U.users.operator.username, 'brand-new-pass');

    const director = await t.login(U.users.security_director.username);
    const disable = await t.call(director, 'PATCH', `/api/users/${U.users.operator.id}`, { disabled: true });
    assert.equal(disable.statusCode, 200, disable.body);
    assert.equal((await t.call(c3, 'GET', '/api/auth/me')).statusCode, 401);
    assert.equal((await t.call(null, 'POST', '/api/auth/login', { username: U.users.operator.username, password: 'brand-new-pass' })).statusCode, 401);
  });

  it('roles limit what a user may do', async () => {
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', '/api/devices')).statusCode, 200);
    const write = await t.call(guard, 'POST', '/api/devices', { name: 'x', kind: 'door', campusId: U.campusId });
    assert.equal(write.statusCode, 403);
    assert.equal(json(write).code, 'XIAOAN_AUTH_FORBIDDEN');
    const maintainer = await t.login(U.users.maintainer.username);
    assert.equal((await t.call(maintainer, 'POST', '/api/devices', { name: 'x', kind: 'door', campusId: U.campusId })).statusCode, 201);
    assert.equal((await t.call(maintainer, 'POST', '/api/org-units', { kind: 'building', parentId: U.campusId, name: 'b' })).statusCode, 403);
  });

  it('a director manages their own staff but cannot create admins or analysts', async () => {
    const director = await t.login(U.users.security_director.username);
    const admin = await t.call(director, 'POST', '/api/users', { username: 'boss', displayName: 'x', password: 'password-123', role: 'admin' });
    assert.equal(admin.statusCode, 403);
    const analyst = await t.call(director, 'POST', '/api/users', { username: 'boss', displayName: 'x', password: 'password-123', role: 'commission_analyst', universityId: null });
    assert.equal(analyst.statusCode, 403);
    const promote = await t.call(director, 'PATCH', `/api/users/${U.users.guard.id}`, { role: 'admin', universityId: null });
    assert.equal(promote.statusCode, 403);
    const ok = await t.call(director, 'POST', '/api/users', { username: 'guard-new', displayName: '新保安', password: 'password-123', role: 'guard' });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(json(ok).universityId, U.universityId);
    const dup = await t.call(director, 'POST', '/api/users', { username: 'guard-new', displayName: '重名', password: 'password-123', role: 'guard' });
    assert.equal(dup.statusCode, 409);
    assert.equal(json(dup).details[0].field, 'username');
    const self = await t.call(director, 'PATCH', `/api/users/${U.users.security_director.id}`, { disabled: true });
    assert.equal(self.statusCode, 400);
  });

  it('the first start creates admin once, with a generated password when none is configured', async () => {
    const again = await t.services.accounts.ensureInitialAdmin(undefined, SYSTEM_ACTOR);
    assert.deepEqual(again, { created: false, generatedPassword: null });
    const fresh = await createTestApp({ env: { XIAOAN_ADMIN_PASSWORD: 'unused-password' } });
    try {
      // createTestApp already ran ensureInitialAdmin; a second run changes nothing.
      const r = await fresh.services.accounts.ensureInitialAdmin(undefined, SYSTEM_ACTOR);
      assert.equal(r.created, false);
    } finally {
      await fresh.close();
    }
  });
});
