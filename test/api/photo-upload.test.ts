/**
 * Photos are checked by their content and re-encoded on upload (issue 17, finding 1): a PNG whose
 * header declares 60000 × 60000 pixels once crashed the whole server when a case file embedded
 * it. Now it is refused with a 400 naming the body, as are oversized and fake images, and the
 * server keeps answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { bombPng, png } from '../helpers/images.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let operator: string;
let alarmId: string;

const upload = (payload: Buffer, contentType = 'image/png') =>
  t.app.inject({ method: 'POST', url: `/api/alarms/${alarmId}/photos`, headers: { cookie: operator, 'content-type': contentType }, payload });

describe('alarm photo upload', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'PH');
    operator = await t.login(U.users.operator.username);
    const button = await t.services.devices.create(SYSTEM_ACTOR, { name: '求助按钮', kind: 'panic_button', campusId: U.campusId });
    const now = t.clock.nowIso();
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: 'ph-1', orgId: U.universityId, deviceId: button.id, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.alarmConsumer.settled();
    alarmId = (await t.store.db.selectFrom('alarms').select('id').where('device_id', '=', button.id).executeTakeFirstOrThrow()).id;
  });
  after(() => t?.close());

  it('refuses a PNG that declares 60000 × 60000 pixels, naming the body, and stays up', async () => {
    const bomb = bombPng(60_000, 60_000, 8);
    assert.ok(bomb.length < 5000, `the bomb is small: ${bomb.length} bytes`);
    const res = await upload(bomb);
    assert.equal(res.statusCode, 400, res.body);
    const body = json(res);
    assert.equal(body.details[0].field, 'body');
    assert.match(body.details[0].reason, /60000 × 60000/);
    assert.equal((await t.call(null, 'GET', '/api/health')).statusCode, 200);
  });

  it('refuses a 12000 × 12000 PNG before decoding it', async () => {
    const big = bombPng(12_000, 12_000, 500);
    const res = await upload(big);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(json(res).details[0].reason, /megapixels/);
  });

  it('refuses bytes that are not an image whatever the declared type', async () => {
    for (const [bytes, type] of [
      [Buffer.from('<html><script>alert(1)</script></html>'), 'image/png'],
      [Buffer.from('RIFF0000WEBPVP8 '), 'image/webp'],
      [png(8, 8, Buffer.from('not deflate data')), 'image/png'],
    ] as const) {
      const res = await upload(bytes, type);
      assert.equal(res.statusCode, 400, `${type}: ${res.body}`);
      assert.equal(json(res).details[0].field, 'body');
    }
    const stored = await t.store.db.selectFrom('alarm_photos').select('id').where('alarm_id', '=', alarmId).execute();
    assert.equal(stored.length, 0, 'nothing refused is stored');
  });

  it('stores a real photo re-encoded as JPEG, upright, within 2560 px, without EXIF', async () => {
    const withExif = await sharp(png(3000, 1000)).withMetadata({ orientation: 6, exif: { IFD0: { Make: 'PhoneMaker', Model: 'X' } } }).jpeg().toBuffer();
    const res = await upload(withExif, 'image/jpeg');
    assert.equal(res.statusCode, 201, res.body);
    const img = await t.app.inject({ method: 'GET', url: `/api/alarms/${alarmId}/photos/${json(res).id}`, headers: { cookie: operator } });
    assert.equal(img.headers['content-type'], 'image/jpeg');
    const meta = await sharp(img.rawPayload).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.height, 2560, 'turned upright (orientation 6) and scaled to 2560 px on the long side');
    assert.ok(Math.abs(meta.width! - 2560 / 3) <= 1, `width ${meta.width}`);
    assert.equal(meta.exif, undefined, 'EXIF (camera, GPS) removed');
    assert.equal(meta.orientation, undefined);
  });
});
