/**
 * Login limits that a client cannot talk its way around (issue 17, finding 3): a new
 * X-Forwarded-For per attempt once bought 40 extra guesses. Now proxy headers count only from
 * configured proxies, failures are counted per account from any address, the account locks
 * after LOGIN_LOCK_AFTER of them, unknown names lock the same way, and the user is told.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LOGIN_LOCK_AFTER, LOGIN_LOCK_MS } from '../../src/server/modules/accounts/accounts.service.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
const clock = new ManualClock(Date.parse('2026-12-07T12:00:00+08:00'));

const attempt = (username: string, password: string, i: number) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.20.${i % 250}.${(i * 7) % 250}`, // a new address every time
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i % 250}` },
    payload: JSON.stringify({ username, password }),
  });

describe('login lockout', () => {
  before(async () => {
    // The per-address limit set out of reach: the per-account lockout must hold on its own.
    t = await createTestApp({ clock, env: { XIAOAN_LOGIN_MAX_ATTEMPTS: '1000' } });
    U = await createUniversity(t.services, 'LK');
  });
  after(() => t?.close());

  it('locks an account after too many failures from rotating addresses, and tells the user afterwards', async () => {
    const name = U.users.operator.username;
    for (let i = 0; i < LOGIN_LOCK_AFTER - 1; i++) assert.equal((await attempt(name, `wrong-${i}`, i)).statusCode, 401);
    const last = await attempt(name, 'wrong-last', 99);
    assert.equal(last.statusCode, 429, last.body);
    assert.equal(json(last).details[0].field, 'username');
    // Locked: even the right password does not open it now.
    assert.equal((await attempt(name, PASSWORD, 100)).statusCode, 429);
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'ip']).where('entity_id', '=', U.users.operator.id).where('action', 'in', ['login_failed', 'account_locked']).execute();
    assert.equal(audit.filter((a) => a.action === 'login_failed').length, LOGIN_LOCK_AFTER);
    assert.equal(audit.filter((a) => a.action === 'account_locked').length, 1);
    assert.ok(audit.every((a) => !String(a.ip ?? '').startsWith('198.51.100.')), 'a forged X-Forwarded-For reached the audit log');

    clock.advance(LOGIN_LOCK_MS + 1000);
    const ok = await attempt(name, PASSWORD, 101);
    assert.equal(ok.statusCode, 200, ok.body);
    const notice = json(ok).notice;
    assert.equal(notice.failedAttempts, LOGIN_LOCK_AFTER);
    assert.match(notice.lastFailedIp, /^10\.20\./);
    // Told once: the next login has nothing to report.
    assert.equal(json(await attempt(name, PASSWORD, 102)).notice, null);
  });

  it('answers a name without an account the same way, so locking reveals no names', async () => {
    const answers: number[] = [];
    for (let i = 0; i < LOGIN_LOCK_AFTER + 1; i++) answers.push((await attempt('no-such-user', `x${i}`, i)).statusCode);
    assert.deepEqual(answers.slice(0, LOGIN_LOCK_AFTER - 1), Array(LOGIN_LOCK_AFTER - 1).fill(401));
    assert.deepEqual(answers.slice(LOGIN_LOCK_AFTER - 1), [429, 429]);
  });
});
