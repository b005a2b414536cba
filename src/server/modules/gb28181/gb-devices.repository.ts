import { readJson, writeJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { GbDeviceView, GbExchange, GbExchangeKind } from '../../../shared/gb28181.ts';

type Db = ModuleDb<'gb28181'>;

/** Column values and exchanges of one device waiting for the next write. */
interface PendingRow {
  values: Record<string, unknown> & { university_id: string; gb_id: string; updated_at: string };
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

  /**
   * Writes are grouped: what arrives while a write is under way (one SIP datagram after another)
   * is merged per device and written by the next transaction, so a burst of registrations or
   * keepalives costs one commit (one fsync with synchronous = FULL) instead of one each. Every
   * caller still awaits the commit that holds its write (a REGISTER is answered once stored),
   * and reads of this repository wait for what is pending (the diagnostics read their writes).
   */
  private upsert(db: Db, deviceId: string, values: Record<string, unknown> & { university_id: string; gb_id: string; updated_at: string }, kind: GbExchangeKind, exchange: GbExchange): Promise<void> {
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
    const ids = [...rows.keys()];
    await db.transaction().execute(async (trx) => {
      const stored = new Map<string, Record<string, GbExchange>>();
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await trx.selectFrom('gb_devices').select(['device_id', 'exchanges']).where('device_id', 'in', ids.slice(i, i + 500)).execute()) stored.set(r.device_id, readJson<Record<string, GbExchange>>(r.exchanges) ?? {});
      }
      for (const [deviceId, { values, exchanges }] of rows) {
        const before = stored.get(deviceId);
        if (before) await trx.updateTable('gb_devices').set({ ...values, exchanges: writeJson({ ...before, ...exchanges }) }).where('device_id', '=', deviceId).execute();
        else await trx.insertInto('gb_devices').values({ device_id: deviceId, ...values, exchanges: writeJson(exchanges) }).execute();
      }
    });
  }
}
