/**
 * Builds the real app on a fresh test database (SQLite or PostgreSQL, per XIAOAN_TEST_DB) and
 * offers logins and a small two-university fixture. Tests call the HTTP API through inject().
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/server/config.ts';
import type { Clock } from '../../src/server/clock.ts';
import { buildApp, type RouteEntry, type Services } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/server/http/policy.ts';
import { openStore, type Store } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import type { Role } from '../../src/shared/domain.ts';
import { testClock } from './test-clock.ts';
import { createTestStoreOptions } from './test-store.ts';

export const PASSWORD = 'test-password-1';

export interface TestApp {
  app: FastifyInstance;
  /** The clock the app runs on (see test-clock.ts): stamp test events with it, never with Date. */
  clock: Clock;
  services: Services;
  store: Store;
  routes: RouteEntry[];
  close(): Promise<void>;
  /** Logs in and returns the Cookie header value. */
  login(username: string, password?: string): Promise<string>;
  /** inject() with a cookie and JSON body. */
  call(cookie: string | null, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export async function createTestApp(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApp> {
  const storeOpts = await createTestStoreOptions();
  const config = loadConfig({ XIAOAN_LOG_LEVEL: 'silent', XIAOAN_DEMO: '0', XIAOAN_ADMIN_PASSWORD: PASSWORD, XIAOAN_LOGIN_MAX_ATTEMPTS: '1000', ...opts.env }, {
    XIAOAN_DATA_DIR: storeOpts.dataDir,
  });
  const store = openStore({ databaseUrl: storeOpts.databaseUrl, dataDir: storeOpts.dataDir, sqliteFile: storeOpts.sqliteFile });
  await migrateToLatest(store.db, store.dialect);
  const clock = opts.clock ?? testClock();
  const { app, services, routes } = await buildApp({ config, store, clock, logger: false });
  await services.org.ensureCommission(SYSTEM_ACTOR);
  await services.accounts.ensureInitialAdmin(PASSWORD, SYSTEM_ACTOR);
  await services.alarmConsumer.start();

  const call = (cookie: string | null, method: string, url: string, body?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });

  return {
    app,
    clock,
    services,
    store,
    routes,
    call,
    async login(username, password = PASSWORD) {
      const res = await call(null, 'POST', '/api/auth/login', { username, password });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'xiaoan_session');
      if (!cookie) throw new Error('no session cookie');
      return `${cookie.name}=${cookie.value}`;
    },
    async close() {
      await app.close();
      await store.close();
      await storeOpts.cleanup();
    },
  };
}

/** A square polygon around a point, `half` degrees wide on each side. */
export function square(lon: number, lat: number, half = 0.0005) {
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
      ] as [number, number][],
    ],
  };
}

export interface UniversityFixture {
  universityId: string;
  campusId: string;
  buildingId: string;
  floorId: string;
  areaId: string;
  keySiteId: string;
  deviceId: string;
  maintenanceId: string;
  users: Record<Exclude<Role, 'admin' | 'commission_analyst'>, { id: string; username: string }>;
}

const UNIVERSITY_ROLES = ['security_director', 'operator', 'guard', 'maintainer', 'auditor'] as const;

/** A university with one of everything, made through the services (as the admin would). */
export async function createUniversity(services: Services, tag: string, lon = 121.5, lat = 31.3): Promise<UniversityFixture> {
  const admin: Actor = SYSTEM_ACTOR;
  const commission = await services.org.ensureCommission(admin);
  const uni = await services.org.createUnit(admin, { kind: 'university', parentId: commission.id, name: `大学${tag}` });
  const campus = await services.org.createUnit(admin, { kind: 'campus', parentId: uni.id, name: `校区${tag}`, geometry: square(lon, lat, 0.005) });
  const building = await services.org.createUnit(admin, { kind: 'building', parentId: campus.id, name: `教学楼${tag}`, geometry: square(lon, lat) });
  const floor = await services.org.createUnit(admin, { kind: 'floor', parentId: building.id, name: '1F', floorLevel: 1 });
  const area = await services.org.createUnit(admin, { kind: 'area', parentId: floor.id, name: `大厅${tag}` });
  const site = await services.org.createKeySite(admin, { campusId: campus.id, buildingId: building.id, name: `财务室${tag}`, category: 'finance_office', geometry: square(lon, lat, 0.0001) });
  const device = await services.devices.create(admin, {
    name: `摄像机${tag}`,
    kind: 'camera',
    areaId: area.id,
    lon,
    lat,
    camera: { resolution: '1080p', type: 'fixed', bearingDeg: 90, fovDeg: 60, rangeM: 30 },
    retentionDays: 30,
  });
  const record = await services.devices.addMaintenance(admin, device.id, { date: '2025-01-02', kind: 'inspection', performedBy: '张工' });
  const users = {} as UniversityFixture['users'];
  for (const role of UNIVERSITY_ROLES) {
    const username = `${role}_${tag}`.toLowerCase();
    const u = await services.accounts.create(admin, { username, displayName: `${role} ${tag}`, password: PASSWORD, role, universityId: uni.id });
    users[role] = { id: u.id, username };
  }
  return {
    universityId: uni.id,
    campusId: campus.id,
    buildingId: building.id,
    floorId: floor.id,
    areaId: area.id,
    keySiteId: site.id,
    deviceId: device.id,
    maintenanceId: record.id,
    users,
  };
}

export const json = <T = any>(res: LightMyRequestResponse): T => JSON.parse(res.body) as T;
