import { readJson, writeJson } from '../../store/database.ts';
import type { OnvifCameraTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { OnvifProbe, OnvifProfile } from './onvif-client.ts';

type Db = ModuleDb<'onvif'>;

export interface OnvifCameraRow {
  deviceId: string;
  universityId: string;
  host: string;
  port: number;
  username: string;
  password: string;
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  profiles: OnvifProfile[];
  presets: { token: string; name: string }[];
  snapshotUri: string | null;
  hasPtz: boolean;
  clockOffsetMs: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  refreshedAt: string | null;
}

const fromRow = (r: OnvifCameraTable): OnvifCameraRow => ({
  deviceId: r.device_id,
  universityId: r.university_id,
  host: r.host,
  port: r.port,
  username: r.username,
  password: r.password,
  manufacturer: r.manufacturer,
  model: r.model,
  firmware: r.firmware,
  serial: r.serial,
  profiles: readJson<OnvifProfile[]>(r.profiles),
  presets: readJson<{ token: string; name: string }[]>(r.presets),
  snapshotUri: r.snapshot_uri,
  hasPtz: Boolean(r.has_ptz),
  clockOffsetMs: r.clock_offset_ms,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
  refreshedAt: r.refreshed_at,
});

const probed = (p: OnvifProbe) => ({
  manufacturer: p.manufacturer,
  model: p.model,
  firmware: p.firmware,
  serial: p.serial,
  profiles: writeJson(p.profiles),
  presets: writeJson(p.presets),
  snapshot_uri: p.snapshotUri,
  has_ptz: p.hasPtz ? 1 : 0,
  clock_offset_ms: p.clockOffsetMs === null ? null : Math.round(p.clockOffsetMs),
  last_error: null,
  last_error_at: null,
});

/** ONVIF cameras (onvif_cameras). */
export class OnvifCamerasRepository {
  async find(db: Db, deviceId: string): Promise<OnvifCameraRow | undefined> {
    const r = await db.selectFrom('onvif_cameras').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return r && fromRow(r);
  }

  async findByAddress(db: Db, universityId: string, host: string, port: number): Promise<OnvifCameraRow | undefined> {
    const r = await db.selectFrom('onvif_cameras').selectAll().where('university_id', '=', universityId).where('host', '=', host).where('port', '=', port).executeTakeFirst();
    return r && fromRow(r);
  }

  async all(db: Db): Promise<OnvifCameraRow[]> {
    return (await db.selectFrom('onvif_cameras').selectAll().execute()).map(fromRow);
  }

  async insert(db: Db, c: { deviceId: string; universityId: string; host: string; port: number; username: string; password: string }, probe: OnvifProbe, now: string) {
    await db
      .insertInto('onvif_cameras')
      .values({ device_id: c.deviceId, university_id: c.universityId, host: c.host, port: c.port, username: c.username, password: c.password, ...probed(probe), refreshed_at: now, created_at: now, updated_at: now })
      .execute();
  }

  async saveProbe(db: Db, deviceId: string, probe: OnvifProbe, now: string) {
    await db.updateTable('onvif_cameras').set({ ...probed(probe), refreshed_at: now, updated_at: now }).where('device_id', '=', deviceId).execute();
  }

  async saveTarget(db: Db, deviceId: string, t: { host: string; port: number; username: string; password: string }, probe: OnvifProbe, now: string) {
    await db
      .updateTable('onvif_cameras')
      .set({ host: t.host, port: t.port, username: t.username, password: t.password, ...probed(probe), refreshed_at: now, updated_at: now })
      .where('device_id', '=', deviceId)
      .execute();
  }

  async saveError(db: Db, deviceId: string, error: string, now: string) {
    await db.updateTable('onvif_cameras').set({ last_error: error.slice(0, 1000), last_error_at: now, updated_at: now }).where('device_id', '=', deviceId).execute();
  }
}
