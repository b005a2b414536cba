import { readJson, writeJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { GbDeviceView, GbExchange, GbExchangeKind } from '../../../shared/gb28181.ts';

type Db = ModuleDb<'gb28181'>;

export interface GbRegistration {
  deviceId: string;
  universityId: string;
  gbId: string;
  transport: 'UDP' | 'TCP';
  address: string;
  port: number;
  contact: string | null;
  gbVersion: string | null;
  userAgent: string | null;
  registeredAt: string;
  expiresAt: string;
}

/** GB/T 28181 registrations and the last exchange of each kind per device (gb_devices). */
export class GbDevicesRepository {
  async find(db: Db, deviceId: string): Promise<GbDeviceView | undefined> {
    const r = await db.selectFrom('gb_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    if (!r) return undefined;
    return {
      deviceId: r.device_id,
      gbId: r.gb_id,
      transport: r.transport as GbDeviceView['transport'],
      address: r.address,
      port: r.port,
      contact: r.contact,
      gbVersion: r.gb_version,
      userAgent: r.user_agent,
      registeredAt: r.registered_at,
      expiresAt: r.expires_at,
      lastKeepaliveAt: r.last_keepalive_at,
      clockOffsetMs: r.clock_offset_ms,
      exchanges: readJson<Partial<Record<GbExchangeKind, GbExchange>>>(r.exchanges) ?? {},
    };
  }

  /** Registrations still valid at `now` (loaded at start, so a restart does not force devices to re-register). */
  async active(db: Db, now: string): Promise<GbRegistration[]> {
    const rows = await db.selectFrom('gb_devices').selectAll().where('expires_at', '>', now).where('registered_at', 'is not', null).execute();
    return rows.map((r) => ({
      deviceId: r.device_id,
      universityId: r.university_id,
      gbId: r.gb_id,
      transport: r.transport === 'TCP' ? 'TCP' : 'UDP',
      address: r.address ?? '',
      port: r.port ?? 5060,
      contact: r.contact,
      gbVersion: r.gb_version,
      userAgent: r.user_agent,
      registeredAt: r.registered_at!,
      expiresAt: r.expires_at!,
    }));
  }

  async saveRegistration(db: Db, reg: GbRegistration, exchange: GbExchange, now: string) {
    const values = {
      university_id: reg.universityId,
      gb_id: reg.gbId,
      transport: reg.transport,
      address: reg.address,
      port: reg.port,
      contact: reg.contact,
      gb_version: reg.gbVersion,
      user_agent: reg.userAgent,
      registered_at: reg.registeredAt,
      expires_at: reg.expiresAt,
      updated_at: now,
    };
    await this.upsert(db, reg.deviceId, values, 'register', exchange);
  }

  async endRegistration(db: Db, deviceId: string, universityId: string, gbId: string, exchange: GbExchange, now: string) {
    await this.upsert(db, deviceId, { university_id: universityId, gb_id: gbId, registered_at: null, expires_at: now, updated_at: now }, 'register', exchange);
  }

  /** Records the latest exchange of a kind (a refusal, a keepalive, a catalog), keeping the others. */
  async recordExchange(db: Db, deviceId: string, universityId: string, gbId: string, kind: GbExchangeKind, exchange: GbExchange, extra: { last_keepalive_at?: string; clock_offset_ms?: number | null } = {}) {
    await this.upsert(db, deviceId, { university_id: universityId, gb_id: gbId, updated_at: exchange.at, ...extra }, kind, exchange);
  }

  private async upsert(db: Db, deviceId: string, values: Record<string, unknown> & { university_id: string; gb_id: string; updated_at: string }, kind: GbExchangeKind, exchange: GbExchange) {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('gb_devices').select('exchanges').where('device_id', '=', deviceId).executeTakeFirst();
      const exchanges = { ...(row ? (readJson<Record<string, GbExchange>>(row.exchanges) ?? {}) : {}), [kind]: exchange };
      if (row) await trx.updateTable('gb_devices').set({ ...values, exchanges: writeJson(exchanges) }).where('device_id', '=', deviceId).execute();
      else await trx.insertInto('gb_devices').values({ device_id: deviceId, ...values, exchanges: writeJson(exchanges) }).execute();
    });
  }
}
