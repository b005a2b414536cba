/**
 * Hostile ingest (issue 17, finding 2): anonymous requests once stored their bodies as dead
 * letters without limit (15 requests added 74 MB). Now an unauthenticated sender leaves only a
 * counter, an address that keeps failing is refused unheard (X-Forwarded-For does not help
 * unless the proxy is configured), and one device's dead letters are capped and truncated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEAD_LETTER_RAW_MAX_BYTES, DEAD_LETTERS_PER_DEVICE_PER_HOUR, FAILED_AUTH_PER_ADDRESS_PER_MINUTE } from '../../src/server/modules/ingest/ingest-guard.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let basic: string;

const push = (payload: string | Buffer, auth: string | null, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/ingest/events', remoteAddress: headers['x-test-address'] ?? '127.0.0.1', headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json', ...headers }, payload });
const deadLetterCount = async () => Number((await t.store.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const deadLetterBytes = async () => (await t.store.db.selectFrom('dead_letters').select('raw').execute()).reduce((n, r) => n + Buffer.from(r.raw as Uint8Array).length, 0);

describe('ingest refusals', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'IR');
    const admin = await t.login('admin');
    const cred = json(await t.call(admin, 'POST', `/api/devices/${U.deviceId}/credentials`));
    basic = 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
  });
  after(() => t?.close());

  it('stores nothing for 15 anonymous 1 MB requests, also when they name a real device', async () => {
    const junk = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 15; i++) {
      const auth = i % 2 ? 'Basic ' + Buffer.from(`${U.deviceId}:wrong-${i}`).toString('base64') : null;
      const res = await push(junk, auth, { 'x-test-address': '10.9.0.1' });
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(json(res).code, 'XIAOAN_AUTH_REQUIRED');
    }
    assert.equal(await deadLetterCount(), 0);
    assert.equal(await deadLetterBytes(), 0);
    assert.ok(t.services.ingest.guard.refusals.unauthenticated >= 15);
  });

  it('answers 429 to an address that keeps failing, whatever X-Forwarded-For says', async () => {
    const wrong = 'Basic ' + Buffer.from(`${U.deviceId}:guess`).toString('base64');
    let limitedAt = -1;
    for (let i = 0; i < FAILED_AUTH_PER_ADDRESS_PER_MINUTE + 5; i++) {
      const res = await push('{"events":[]}', wrong, { 'x-test-address': '10.9.0.2', 'x-forwarded-for': `203.0.113.${i}` });
      if (res.statusCode === 429) {
        limitedAt = i;
        assert.equal(res.headers['retry-after'], '60');
        assert.equal(json(res).details[0].field, 'authorization');
        break;
      }
      assert.equal(res.statusCode, 401);
    }
    assert.equal(limitedAt, FAILED_AUTH_PER_ADDRESS_PER_MINUTE, 'limited after the allowed failures, forged addresses notwithstanding');
    // Another address (and the real device) is not affected.
    const ok = await push(JSON.stringify({ events: [{ kind: 'motion', sourceEventId: 'ok-1', payload: { objectType: 'person' } }] }), basic, { 'x-test-address': '10.9.0.3' });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('keeps at most the first 64 KB of a refused message and caps one device’s dead letters per hour', async () => {
    const big = Buffer.alloc(200 * 1024, 0x7b); // 200 KB of '{': not JSON
    const res = await push(big, basic);
    assert.equal(res.statusCode, 400);
    const [stored] = await t.store.db.selectFrom('dead_letters').select(['raw', 'reason']).where('device_id', '=', U.deviceId).execute();
    assert.equal(Buffer.from(stored!.raw as Uint8Array).length, DEAD_LETTER_RAW_MAX_BYTES);
    assert.match(stored!.reason, /first 65536 of 204800 bytes kept/);

    const bad = JSON.stringify({ events: Array.from({ length: 1000 }, () => ({ kind: 'teleport' })) });
    for (let i = 0; i < 2; i++) assert.equal((await push(bad, basic)).statusCode, 400);
    const n = Number((await t.store.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', '=', U.deviceId).executeTakeFirstOrThrow()).n);
    assert.equal(n, DEAD_LETTERS_PER_DEVICE_PER_HOUR, 'one device cannot add more dead letters than the cap in an hour');
    assert.ok(t.services.ingest.guard.refusals.deadLettersNotStored >= 1000);
  });

  it('answers a deeply nested item with 400 and a dead letter, not 500 (issue 17, item 11)', async () => {
    const depth = 100_000;
    const body = `{"events":[{"kind":"motion","sourceEventId":"deep-1","payload":{"objectType":"person","x":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;
    const res = await push(body, basic, { 'x-test-address': '10.9.0.7' });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json(res).details[0].field, 'events[0].payload.x');
  });
});
