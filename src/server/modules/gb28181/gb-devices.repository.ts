import { writeJson } from '../../store/database.ts';
import type { GbDeviceTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { GbDeviceView, GbExchange, GbExchangeKind } from '../../../shared/gb28181.ts';

type Db = ModuleDb<'gb28181'>;

type DeviceValues = Partial<Omit<GbDeviceTable, 'device_id'>> & { university_id: string; gb_id: string; updated_at: string };

/** Column values and exchanges of one device waiting for the next write. */
interface PendingRow {
  values: DeviceValues;
  exchanges: Partial<Record<GbExchangeKind, GbExchange>>;
}

/** The write queue of a database handle, shared by the repository instances using it (the platform's and the diagnostics'). */
interface WriteQueue {
  batch: { rows: Map<string, PendingRow>; done: Promise<void> } | null;
  writing: Promise<void>;
}
const queues = new WeakMap<Db, WriteQueue>();
function queueOf(db: Db): WriteQueue {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { batch: null, writing: Promise.resolve() }));
  return q;
}

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
    await this.settled(db);
    const r = await db.selectFrom('gb_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    if (!r) return undefined;
    const rows = await db.selectFrom('gb_exchanges').selectAll().where('device_id', '=', deviceId).execute();
    const exchanges: Partial<Record<GbExchangeKind, GbExchange>> = {};
    for (const e of rows) exchanges[e.kind as GbExchangeKind] = { at: e.at, result: e.result as GbExchange['result'], status: e.status, reason: e.reason, seenFrom: e.seen_from, declared: e.declared };
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
      exchanges,
    };
  }

  /** Registrations still valid at `now` (loaded at start, so a restart does not force devices to re-register). */
  async active(db: Db, now: string): Promise<GbRegistration[]> {
    await this.settled(db);
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
    await this.upsert(
      db,
      reg.deviceId,
      {
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
      },
      'register',
      exchange,
    );
  }

  async endRegistration(db: Db, deviceId: string, universityId: string, gbId: string, exchange: GbExchange, now: string) {
    await this.upsert(db, deviceId, { university_id: universityId, gb_id: gbId, registered_at: null, expires_at: now, updated_at: now }, 'register', exchange);
  }

  /** Records the latest exchange of a kind (a refusal, a keepalive, a catalog), and what it tells of the device. */
  async recordExchange(db: Db, deviceId: string, universityId: string, gbId: string, kind: GbExchangeKind, exchange: GbExchange, extra: { last_keepalive_at?: string; clock_offset_ms?: number | null } = {}) {
    await this.upsert(db, deviceId, { university_id: universityId, gb_id: gbId, updated_at: exchange.at, ...extra }, kind, exchange);
  }

  /**
   * Writes are grouped: what arrives while a write is under way (one SIP datagram after another)
   * is merged per device and written by the next transaction, so a burst of registrations or
   * keepalives costs one commit (one fsync with synchronous = FULL) instead of one each. Every
   * caller still awaits the commit that holds its write (a REGISTER is answered once stored),
   * and reads of this repository wait for what is pending (the diagnostics read their writes).
   * Each row is one statement (insert or update on conflict), so concurrent writers never undo
   * each other's exchanges.
   */
  private upsert(db: Db, deviceId: string, values: DeviceValues, kind: GbExchangeKind, exchange: GbExchange): Promise<void> {
    const queue = queueOf(db);
    let batch = queue.batch;
    if (!batch) {
      const rows = new Map<string, PendingRow>();
      // better-sqlite3 commits synchronously: datagrams that arrive meanwhile wait in the socket
      // and are read in the next poll phase, so the batch is written after it (setImmediate).
      const next = queue.writing
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          // From here on, writes gather in the next batch.
          if (queue.batch?.rows === rows) queue.batch = null;
          return this.write(db, rows);
        });
      batch = queue.batch = { rows, done: next };
      queue.writing = next.catch(() => undefined);
    }
    const row = batch.rows.get(deviceId);
    batch.rows.set(deviceId, row ? { values: { ...row.values, ...values }, exchanges: { ...row.exchanges, [kind]: exchange } } : { values: { ...values }, exchanges: { [kind]: exchange } });
    return batch.done;
  }

  /** Resolves once every write asked for so far is committed (or failed). */
  private async settled(db: Db): Promise<void> {
    const queue = queues.get(db);
    if (queue) await (queue.batch ? queue.batch.done.catch(() => undefined) : queue.writing);
  }

  private async write(db: Db, rows: Map<string, PendingRow>) {
    await db.transaction().execute(async (trx) => {
      for (const [deviceId, { values, exchanges }] of rows) {
        await trx
          .insertInto('gb_devices')
          .values({ device_id: deviceId, ...values })
          .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
          .execute();
        for (const [kind, e] of Object.entries(exchanges) as [GbExchangeKind, GbExchange][]) {
          const columns = { at: e.at, result: e.result, status: e.status, reason: e.reason.slice(0, 1000), seen_from: e.seenFrom, declared: e.declared };
          await trx
            .insertInto('gb_exchanges')
            .values({ device_id: deviceId, kind, ...columns })
            .onConflict((oc) => oc.columns(['device_id', 'kind']).doUpdateSet(columns))
            .execute();
        }
      }
    });
  }

  async recordClockOffset(db: Db, deviceId: string, clockOffsetMs: number) {
    await this.settled(db);
    await db.updateTable('gb_devices').set({ clock_offset_ms: clockOffsetMs }).where('device_id', '=', deviceId).execute();
  }

  /** Replaces what the catalog said of these channels. */
  async saveChannels(db: Db, rows: { deviceId: string; parentDeviceId: string; universityId: string; gbId: string; status: string | null; ptzType: number | null; roomType: number | null; useType: number | null; item: unknown }[], now: string) {
    if (!rows.length) return;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        await trx.deleteFrom('gb_channels').where('device_id', 'in', chunk.map((r) => r.deviceId)).execute();
        await trx
          .insertInto('gb_channels')
          .values(chunk.map((r) => ({ device_id: r.deviceId, parent_device_id: r.parentDeviceId, university_id: r.universityId, gb_id: r.gbId, status: r.status, ptz_type: r.ptzType, room_type: r.roomType, use_type: r.useType, item: writeJson(r.item), updated_at: now })))
          .execute();
      }
    });
  }

  async setChannelStatus(db: Db, deviceId: string, status: 'ON' | 'OFF') {
    await db.updateTable('gb_channels').set({ status }).where('device_id', '=', deviceId).execute();
  }

  async removeChannel(db: Db, deviceId: string) {
    await db.deleteFrom('gb_channels').where('device_id', '=', deviceId).execute();
  }

  /** Channels reported ON by each parent's last catalog (their parent's keepalive keeps them online). */
  async onlineChannels(db: Db): Promise<{ deviceId: string; parentDeviceId: string; universityId: string }[]> {
    const rows = await db.selectFrom('gb_channels').select(['device_id', 'parent_device_id', 'university_id']).where('status', '=', 'ON').execute();
    return rows.map((r) => ({ deviceId: r.device_id, parentDeviceId: r.parent_device_id, universityId: r.university_id }));
  }

  /** The registered device a channel hangs off (commands to a channel go through it). */
  async parentOf(db: Db, channelDeviceId: string): Promise<{ parentDeviceId: string; gbId: string } | undefined> {
    const r = await db.selectFrom('gb_channels').select(['parent_device_id', 'gb_id']).where('device_id', '=', channelDeviceId).executeTakeFirst();
    return r && { parentDeviceId: r.parent_device_id, gbId: r.gb_id };
  }
}
