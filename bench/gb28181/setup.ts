/**
 * The store of the GB/T 28181 benchmark, written before the server starts with the server's own
 * code (openStore, migrations, createServices), as bench/ingest/setup.ts does: one university,
 * N recorders (NVRs, GB type 118) each with M camera channels (GB type 131) in the ledger, and SIP
 * credentials issued for every recorder (DeviceCredentialsService.setSecrets: HA1 in the SIP
 * domain, as POST /api/devices/:id/credentials). Only recorders register; channels are ledger
 * cameras that alarms can name.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/server/config.ts';
import { createServices } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { DevicesRepository } from '../../src/server/modules/devices/devices.repository.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { ownTables } from '../../src/server/store/tables.ts';

export interface GbBenchDevice {
  id: string;
  gbId: string;
  password: string;
}

export interface PreparedGbStore {
  recorders: GbBenchDevice[];
  channels: number;
  ms: number;
}

/** 20-digit GB ids: Shanghai (31000000), industry 11, type, network 0, a 6-digit serial. */
export const recorderGbId = (i: number) => `31000000111180${String(i + 1).padStart(6, '0')}`;
export const channelGbId = (i: number) => `31000000111310${String(i + 1).padStart(6, '0')}`;

export async function prepareGbStore(opts: { dataDir: string; databaseUrl?: string; recorders: number; channelsPerRecorder: number }): Promise<PreparedGbStore> {
  const started = performance.now();
  const store = openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  try {
    await migrateToLatest(store.db, store.dialect);
    const services = createServices(loadConfig({}, { XIAOAN_DATA_DIR: opts.dataDir }), store);
    try {
      const actor = SYSTEM_ACTOR;
      const commission = await services.org.ensureCommission(actor);
      const uni = await services.org.createUnit(actor, { kind: 'university', parentId: commission.id, name: '国标压测大学' });
      const campus = await services.org.createUnit(actor, { kind: 'campus', parentId: uni.id, name: '国标压测校区' });
      // One template per kind validated as an API create would be (field checks, GB id against
      // the kind, location), then cloned with a fresh id, name and GB id.
      const nvr = await services.devices.prepare(actor, { name: '压测NVR', kind: 'recorder', campusId: campus.id, vendor: '海康威视', gbId: recorderGbId(0) });
      const cam = await services.devices.prepare(actor, { name: '压测通道', kind: 'camera', campusId: campus.id, vendor: '海康威视', gbId: channelGbId(0), camera: { resolution: '1080p', type: 'fixed' } });
      const recorders = Array.from({ length: opts.recorders }, (_, i) => ({ ...nvr, id: randomUUID(), name: `压测NVR-${String(i + 1).padStart(5, '0')}`, gbId: recorderGbId(i) }));
      const channelCount = opts.recorders * opts.channelsPerRecorder;
      const channels = Array.from({ length: channelCount }, (_, i) => ({ ...cam, id: randomUUID(), name: `压测通道-${String(i + 1).padStart(6, '0')}`, gbId: channelGbId(i) }));
      const repo = new DevicesRepository(store.dialect);
      await store.db.transaction().execute(async (trx) => {
        const db = ownTables<'devices'>(trx);
        await repo.insertMany(db, recorders);
        for (let i = 0; i < channels.length; i += 5000) await repo.insertMany(db, channels.slice(i, i + 5000));
        await services.audit.record(trx, actor, { action: 'import', entityType: 'device', entityId: null, universityId: uni.id, after: { benchmark: 'bench/gb28181', created: recorders.length + channels.length } });
      });
      const issued = recorders.map((d) => ({ id: d.id, gbId: d.gbId!, password: randomBytes(18).toString('base64url') }));
      await services.credentials.setSecrets(
        issued.map((d) => ({ deviceId: d.id, secret: d.password })),
        actor,
        uni.id,
      );
      return { recorders: issued, channels: channelCount, ms: performance.now() - started };
    } finally {
      services.live.close();
    }
  } finally {
    await store.close();
  }
}
