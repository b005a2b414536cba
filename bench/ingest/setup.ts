/**
 * Prepares the server's store before it starts, the way test/pipeline/crash-durability.test.ts
 * does: the same code the server runs (openStore, migrations, createServices), so the data is
 * exactly what the HTTP API would have written, only faster — 50,000 devices through
 * POST /api/devices + POST /api/devices/:id/credentials would take minutes.
 *
 * One university with one campus; N devices (60 % cameras, 30 % doors, 10 % LPR cameras), each
 * validated by DevicesService.prepare like an API create, inserted in one transaction with one
 * audit entry (as the ledger import does); credentials issued through
 * DeviceCredentialsService.setSecrets (SHA-256 of a random secret, as POST …/credentials).
 */
import { ownTables } from '../../src/server/store/tables.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/server/config.ts';
import { createServices } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { DevicesRepository } from '../../src/server/modules/devices/devices.repository.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { kindOf, type LoadDevice, type LoadDeviceKind } from './protocol.ts';

const LABEL: Record<LoadDeviceKind, string> = { camera: '摄像机', door: '门禁', lpr_camera: '车牌识别' };

export interface PreparedStore {
  universityId: string;
  devices: LoadDevice[];
  ms: number;
}

export async function prepareStore(opts: { dataDir: string; databaseUrl?: string; devices: number }): Promise<PreparedStore> {
  const started = performance.now();
  const store = openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  try {
    await migrateToLatest(store.db, store.dialect);
    const services = createServices(loadConfig({}, { XIAOAN_DATA_DIR: opts.dataDir }), store);
    try {
      const actor = SYSTEM_ACTOR;
      const commission = await services.org.ensureCommission(actor);
      const uni = await services.org.createUnit(actor, { kind: 'university', parentId: commission.id, name: '压测大学' });
      const campus = await services.org.createUnit(actor, { kind: 'campus', parentId: uni.id, name: '压测校区' });

      // One validated template per kind (DevicesService.prepare: the API's field checks and
      // location resolution), then cloned with a fresh id and name per device.
      const templates = {} as Record<LoadDeviceKind, Awaited<ReturnType<typeof services.devices.prepare>>>;
      for (const kind of ['camera', 'door', 'lpr_camera'] as const) {
        templates[kind] = await services.devices.prepare(actor, {
          name: `压测 ${LABEL[kind]}`,
          kind,
          campusId: campus.id,
          vendor: kind === 'door' ? '中控智慧' : '海康威视',
          ...(kind === 'door' ? {} : { camera: { resolution: '1080p', type: 'fixed' } }),
        });
      }
      const list = Array.from({ length: opts.devices }, (_, i) => {
        const kind = kindOf(i);
        return { ...templates[kind], id: randomUUID(), name: `压测 ${LABEL[kind]}-${String(i + 1).padStart(6, '0')}` };
      });
      const repo = new DevicesRepository(store.dialect);
      await store.db.transaction().execute(async (trx) => {
        await repo.insertMany(ownTables<'devices'>(trx), list);
        await services.audit.record(trx, actor, { action: 'import', entityType: 'device', entityId: null, universityId: uni.id, after: { benchmark: 'bench/ingest', created: list.length } });
      });

      const devices: LoadDevice[] = list.map((d, i) => ({ id: d.id, secret: randomBytes(18).toString('base64url'), universityId: uni.id, kind: kindOf(i) }));
      for (let i = 0; i < devices.length; i += 10_000) {
        const chunk = devices.slice(i, i + 10_000);
        await services.credentials.setSecrets(chunk.map((d) => ({ deviceId: d.id, secret: d.secret })), actor, uni.id);
      }
      return { universityId: uni.id, devices, ms: performance.now() - started };
    } finally {
      services.live.close();
    }
  } finally {
    await store.close();
  }
}
