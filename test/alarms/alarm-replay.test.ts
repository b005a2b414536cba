/**
 * A crash after events are committed but before the alarm engine saw them: the next start
 * derives the alarms from the stored events, exactly once.
 */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { loadConfig } from '../../src/server/config.ts';
import { buildApp } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import { createUniversity } from '../helpers/test-app.ts';
import { createTestStoreOptions } from '../helpers/test-store.ts';
import { testClock } from '../helpers/test-clock.ts';

describe('alarms after a crash', () => {
  it('are derived on restart from events committed but never processed', async () => {
    const opts = await createTestStoreOptions();
    const config = loadConfig({ XIAOAN_LOG_LEVEL: 'silent' }, { XIAOAN_DATA_DIR: opts.dataDir });
    // First life: the university and its devices, then events committed straight to the store —
    // as if the process died right after the commit, before the bus reached the alarm engine.
    let store = openStore(opts);
    await migrateToLatest(store.db, store.dialect);
    const clock = testClock();
    let { app, services } = await buildApp({ config, store, clock, logger: false });
    const u = await createUniversity(services, 'CR');
    const buttons = await Promise.all([1, 2, 3].map((i) => services.devices.create(SYSTEM_ACTOR, { name: `求助按钮${i}`, kind: 'panic_button', campusId: u.campusId })));
    const now = clock.nowIso();
    const events = buttons.flatMap((b, i) =>
      [0, 1].map((k) => ({ id: uuid7(), source: 'http', sourceEventId: `p${i}-${k}`, orgId: u.universityId, deviceId: b.id, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} }) as DeviceEvent),
    );
    await new EventsRepository().append(ownTables<'events'>(store.db), events);
    await app.close();
    await store.close();

    // Second life: start-up catches up before anything else.
    for (let life = 2; life <= 3; life++) {
      store = openStore(opts);
      ({ app, services } = await buildApp({ config, store, clock, logger: false }));
      const replayed = await services.alarmConsumer.start();
      const alarms = await store.db.selectFrom('alarms').select(['device_id', 'event_count', 'latched']).orderBy('device_id').execute();
      assert.equal(alarms.length, 3, `life ${life}: ${alarms.length} alarms`);
      assert.ok(alarms.every((a) => a.event_count === 2 && a.latched === 1));
      if (life === 3) assert.equal(replayed, 0, 'the third start replayed events again');
      await app.close();
      await store.close();
    }
    await opts.cleanup();
  });
});
