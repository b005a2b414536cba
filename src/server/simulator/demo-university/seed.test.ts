/**
 * Seeding the demo university into a real store (SQLite, or PostgreSQL under `npm test`):
 * counts, idempotence, planted flaws, API-level validity and working demo logins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { createTestStoreOptions, type TestStoreOptions } from '../../../../test/helpers/test-store.ts';
import { KEY_SITE_CATEGORIES } from '../../../shared/domain.ts';
import { loadConfig } from '../../config.ts';
import { createServices, type Services } from '../../http/app.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import type { DeviceInput } from '../../../shared/devices.ts';
import { openStore, type Store } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrations/index.ts';
import { seedDemoIfEmpty } from '../demo-seed.ts';
import { DEMO_TARGETS } from './generate.ts';
import { DEMO_PASSWORD } from './write.ts';

interface Env {
  opts: TestStoreOptions;
  store: Store;
  services: Services;
  lines: string[];
  log: FastifyBaseLogger;
}

async function setup(): Promise<Env> {
  const opts = await createTestStoreOptions();
  const store = openStore(opts);
  await migrateToLatest(store.db, store.dialect);
  const services = createServices(loadConfig({}, { XIAOAN_LOG_LEVEL: 'silent' }), store);
  await services.org.ensureCommission(SYSTEM_ACTOR);
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(args.filter((a) => typeof a === 'string').join(' '));
  const log = { info: record, warn: record, error: record, debug: () => {}, trace: () => {}, fatal: record, child: () => log, level: 'info', silent: () => {} } as unknown as FastifyBaseLogger;
  return { opts, store, services, lines, log };
}

async function teardown(env: Env | undefined) {
  if (!env) return;
  await env.store.close();
  await env.opts.cleanup();
}

const countRows = async (store: Store, table: 'org_units' | 'key_sites' | 'devices' | 'maintenance_records' | 'users' | 'audit_log') =>
  Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('seedDemoIfEmpty', () => {
  let env: Env;
  let universityId: string;
  let seedMs: number;

  before(async () => {
    env = await setup();
    const t = performance.now();
    await seedDemoIfEmpty(env);
    seedMs = performance.now() - t;
    universityId = (await env.store.db.selectFrom('org_units').select('id').where('kind', '=', 'university').executeTakeFirstOrThrow()).id;
  });
  after(() => teardown(env));

  test('is fast and logs a one-line summary', () => {
    assert.ok(seedMs < 30_000, `took ${seedMs} ms`);
    const summary = env.lines.find((l) => l.startsWith('demo university'));
    assert.ok(summary, 'summary logged');
    assert.match(summary!, /示范大学 seeded in \d+ ms: 2 campuses, \d+ buildings/);
    assert.ok(!summary!.includes(DEMO_PASSWORD), 'the password is not logged');
    assert.ok(!summary!.includes('\n'));
  });

  test('writes the university with everything in it', async () => {
    const db = env.store.db;
    const units = await db.selectFrom('org_units').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute();
    const unitCount = Object.fromEntries(units.map((u) => [u.kind, Number(u.n)]));
    assert.equal(unitCount.university, 1);
    assert.equal(unitCount.campus, 2);
    assert.ok(unitCount.building >= 40);
    assert.ok(unitCount.floor >= unitCount.building);
    assert.ok(unitCount.area >= 100);

    const kinds = await db.selectFrom('devices').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('university_id', '=', universityId).groupBy('kind').execute();
    const k = Object.fromEntries(kinds.map((r) => [r.kind, Number(r.n)]));
    assert.ok(k.camera >= 3000, `${k.camera} cameras`);
    assert.equal(k.door, DEMO_TARGETS.doors);
    assert.equal(k.intrusion_zone + k.perimeter_zone, DEMO_TARGETS.alarmZones);
    assert.equal(k.fire_detector, DEMO_TARGETS.fireDetectors);
    assert.equal(k.patrol_checkpoint, DEMO_TARGETS.patrolCheckpoints);
    for (const kind of ['barrier_gate', 'lpr_camera', 'turnstile', 'panic_button', 'recorder', 'alarm_panel']) assert.ok(k[kind] > 0, `some ${kind}`);

    const categories = new Set((await db.selectFrom('key_sites').select('category').where('university_id', '=', universityId).execute()).map((r) => r.category));
    for (const cat of KEY_SITE_CATEGORIES) assert.ok(categories.has(cat), `key site category ${cat}`);

    assert.ok((await countRows(env.store, 'maintenance_records')) >= 200);
    const roles = await db.selectFrom('users').select(['role', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('role').execute();
    const r = Object.fromEntries(roles.map((x) => [x.role, Number(x.n)]));
    assert.equal(r.guard, 40);
    assert.equal(r.operator, 20);
    assert.equal(r.security_director, 1);
    assert.equal(r.maintainer, 1);
    assert.equal(r.auditor, 1);
    assert.equal(r.commission_analyst, 1);

    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'demo_seeded').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0].entity_id, universityId);
    assert.equal(audit[0].university_id, universityId);

    const list = await env.services.devices.list(SYSTEM_ACTOR, { kind: ['camera'], sort: 'name', order: 'asc', page: 1, pageSize: 1 });
    assert.ok(list.total >= 3000);
  });

  test('is idempotent: a second call writes nothing', async () => {
    const tables = ['org_units', 'key_sites', 'devices', 'maintenance_records', 'users', 'audit_log'] as const;
    const before = await Promise.all(tables.map((t) => countRows(env.store, t)));
    await seedDemoIfEmpty(env);
    assert.deepEqual(await Promise.all(tables.map((t) => countRows(env.store, t))), before);
  });

  test('the planted flaws are in the database', async () => {
    const db = env.store.db;
    const inPrivacy = await db
      .selectFrom('devices')
      .innerJoin('org_units', 'org_units.id', 'devices.area_id')
      .select(['devices.name', 'org_units.privacy'])
      .where('devices.kind', '=', 'camera')
      .where('org_units.privacy', 'is not', null)
      .execute();
    assert.equal(inPrivacy.length, 1);
    assert.equal(inPrivacy[0].privacy, 'toilet');

    const shortRecorders = await db.selectFrom('devices').select('id').where('kind', '=', 'recorder').where('retention_days', '=', 15).execute();
    assert.ok(shortRecorders.length >= 1);
    const shortCameras = await db.selectFrom('devices').select('id').where('kind', '=', 'camera').where('retention_days', '=', 15).execute();
    assert.ok(shortCameras.length >= 1);

    const cams = await db.selectFrom('devices').select(['camera_resolution']).where('kind', '=', 'camera').execute();
    const analog = cams.filter((c) => c.camera_resolution === 'analog').length / cams.length;
    assert.ok(analog > 0.08 && analog < 0.12, `analog share ${analog}`);

    // A gate with barrier lanes but no LPR camera.
    const gates = await db.selectFrom('key_sites').select('name').where('category', '=', 'gate').execute();
    const devicesAt = async (kind: string, gate: string) =>
      Number((await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('name', 'like', `${gate} %`).executeTakeFirstOrThrow()).n);
    const withoutLpr: string[] = [];
    for (const g of gates) if ((await devicesAt('barrier_gate', g.name)) > 0 && (await devicesAt('lpr_camera', g.name)) === 0) withoutLpr.push(g.name);
    assert.equal(withoutLpr.length, 1);

    // A finance office whose building has no panic button.
    const finance = await db.selectFrom('key_sites').select(['name', 'building_id']).where('category', '=', 'finance_office').execute();
    const withoutButton: string[] = [];
    for (const f of finance) {
      const n = await db.selectFrom('devices').select('id').where('kind', '=', 'panic_button').where('building_id', '=', f.building_id).where('name', 'like', '%财务%').execute();
      if (!n.length) withoutButton.push(f.name);
    }
    assert.equal(withoutButton.length, 1);

    // The archives have no camera in their building.
    const archives = await db.selectFrom('key_sites').select('building_id').where('category', '=', 'archives').executeTakeFirstOrThrow();
    const archiveCams = await db.selectFrom('devices').select('id').where('kind', '=', 'camera').where('building_id', '=', archives.building_id).execute();
    assert.equal(archiveCams.length, 0);
  });

  test('a sample of devices passes the API-level validation', async () => {
    const rows = await env.store.db.selectFrom('devices').selectAll().orderBy('id').execute();
    const kinds = [...new Set(rows.map((r) => r.kind))];
    const sample = kinds.flatMap((kind) => rows.filter((r) => r.kind === kind).slice(0, 2));
    assert.ok(sample.length >= 20);
    for (const r of sample) {
      const input: DeviceInput = {
        name: r.name,
        kind: r.kind as DeviceInput['kind'],
        status: r.status as DeviceInput['status'],
        campusId: r.campus_id,
        buildingId: r.building_id,
        floorId: r.floor_id,
        areaId: r.area_id,
        lon: r.lon,
        lat: r.lat,
        vendor: r.vendor,
        model: r.model,
        serial: r.serial,
        ip: r.ip,
        gbId: r.gb_id,
        installDate: r.install_date,
        warrantyEnd: r.warranty_end,
        retentionDays: r.retention_days,
        notes: r.notes,
        camera: r.camera_resolution
          ? {
              resolution: r.camera_resolution as 'analog',
              type: r.camera_type as 'fixed',
              mountHeightM: r.mount_height_m,
              bearingDeg: r.bearing_deg,
              fovDeg: r.fov_deg,
              rangeM: r.range_m,
              placement: r.placement as 'indoor',
            }
          : null,
      };
      const prepared = await env.services.devices.prepare(SYSTEM_ACTOR, input);
      assert.equal(prepared.universityId, universityId);
      assert.equal(prepared.campusId, r.campus_id);
      assert.equal(prepared.floorId, r.floor_id);
    }
  });

  test('demo accounts log in with the demo password', async () => {
    const guard = await env.services.accounts.login('guard01', DEMO_PASSWORD, null);
    assert.equal(guard.user.role, 'guard');
    assert.equal(guard.user.universityId, universityId);
    assert.match(guard.user.displayName, /^[\u4e00-\u9fa5]{2,3}$/);
    const analyst = await env.services.accounts.login('analyst', DEMO_PASSWORD, null);
    assert.equal(analyst.user.role, 'commission_analyst');
    assert.equal(analyst.user.universityId, null);
    await assert.rejects(env.services.accounts.login('director', 'wrong-password', null));
  });
});

describe('seedDemoIfEmpty with a university already present', () => {
  let env: Env;
  before(async () => {
    env = await setup();
  });
  after(() => teardown(env));

  test('does nothing', async () => {
    const commission = await env.services.org.ensureCommission(SYSTEM_ACTOR);
    await env.services.org.createUnit(SYSTEM_ACTOR, { kind: 'university', parentId: commission.id, name: '某大学' });
    const devicesBefore = await countRows(env.store, 'devices');
    await seedDemoIfEmpty(env);
    assert.equal(await countRows(env.store, 'devices'), devicesBefore);
    assert.equal(await countRows(env.store, 'users'), 0);
    assert.equal(env.lines.length, 0);
  });
});
