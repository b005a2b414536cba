/**
 * The writer's fast append path (SQLite: cached prepared single-row insert inside the group
 * commit; PostgreSQL: one insert … select from unnest per batch): every field stored as given,
 * nulls kept, duplicates — earlier ones and ones inside the same batch — stored once and reported
 * as duplicates, and only stored events published on the bus, in id order.
 */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { createTestApp, createUniversity, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let A: UniversityFixture;

function event(sourceEventId: string | null, payload: object = { objectType: 'person', region: '东门 "入口"\\' }): DeviceEvent {
  return {
    id: '',
    source: 'mqtt',
    sourceEventId,
    orgId: A.universityId,
    deviceId: A.deviceId,
    kind: 'motion',
    severity: 'info',
    occurredAt: '2026-11-26T01:02:03.456Z',
    receivedAt: t.clock.nowIso(),
    payload,
  } as DeviceEvent;
}

describe('event append fast path', () => {
  before(async () => {
    t = await createTestApp();
    A = await createUniversity(t.services, 'AP');
  });
  after(() => t.close());

  it('stores each event once and tells stored from duplicate, within and across batches', async () => {
    const published: DeviceEvent[] = [];
    // Only ours: the health service may record device.online for the device meanwhile.
    const unsubscribe = t.services.bus.subscribe('events.committed', (events) => published.push(...events.filter((e) => e.kind === 'motion')));
    // One turn of the event loop: all in the same group commit.
    const first = await Promise.all([
      t.services.writer.append(event('ap-1')),
      t.services.writer.append(event('ap-2')),
      t.services.writer.append(event('ap-1')), // duplicate inside the batch
      t.services.writer.append(event(null)), // no source id: never a duplicate
      t.services.writer.append(event(null)),
    ]);
    assert.deepEqual(first, ['stored', 'stored', 'duplicate', 'stored', 'stored']);
    const second = await Promise.all([t.services.writer.append(event('ap-2')), t.services.writer.append(event('ap-3', { objectType: 'vehicle' }))]);
    assert.deepEqual(second, ['duplicate', 'stored']);
    unsubscribe();

    assert.deepEqual(
      published.map((e) => e.sourceEventId),
      ['ap-1', 'ap-2', null, null, 'ap-3'],
    );
    const ids = published.map((e) => e.id);
    assert.deepEqual([...ids].sort(), ids, 'published in id order');

    const stored = await new EventsRepository().list(ownTables<'events'>(t.store.db), { universityId: A.universityId, deviceId: A.deviceId, kinds: ['motion'], limit: 10 });
    assert.equal(stored.length, 5);
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const e of published) {
      const s = byId.get(e.id);
      assert.ok(s, `event ${e.id} stored`);
      assert.equal(s.sourceEventId, e.sourceEventId);
      assert.equal(s.kind, 'motion');
      assert.equal(s.severity, 'info');
      assert.equal(s.source, 'mqtt');
      assert.equal(new Date(s.occurredAt).toISOString(), '2026-11-26T01:02:03.456Z');
      assert.equal(new Date(s.receivedAt).toISOString(), e.receivedAt);
      assert.deepEqual(s.payload, e.payload);
    }
  });
});
