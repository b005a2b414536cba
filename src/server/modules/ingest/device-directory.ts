import type { Kysely } from 'kysely';
import type { DeviceKind } from '../../../shared/domain.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import type { DB } from '../../store/schema.ts';

export interface KnownDevice {
  id: string;
  universityId: string;
  kind: DeviceKind;
  secretHash: string | null;
}

const MISSING_TTL_MS = 30_000;

/**
 * Device lookups on the ingest hot path, cached in memory. Ledger writes drop the entry (via the
 * bus); unknown ids are remembered briefly so a flood from a bogus id does not hit the database
 * for every message.
 */
export class DeviceDirectory {
  private readonly known = new Map<string, KnownDevice>();
  private readonly missing = new Map<string, number>();

  constructor(
    private readonly db: Kysely<DB>,
    bus: EventBus,
  ) {
    bus.subscribe('ledger.device_changed', ({ deviceId }) => this.forget(deviceId));
  }

  forget(deviceId: string) {
    this.known.delete(deviceId);
    this.missing.delete(deviceId);
  }

  /** The cached entry, without a promise: the hot path's lookup (misses go through `get`). */
  cached(deviceId: string): KnownDevice | undefined {
    return this.known.get(deviceId);
  }

  async get(deviceId: string): Promise<KnownDevice | null> {
    const hit = this.known.get(deviceId);
    if (hit) return hit;
    const missedAt = this.missing.get(deviceId);
    if (missedAt !== undefined && Date.now() - missedAt < MISSING_TTL_MS) return null;
    const row = await this.db
      .selectFrom('devices')
      .leftJoin('device_credentials', 'device_credentials.device_id', 'devices.id')
      .select(['devices.id', 'devices.university_id', 'devices.kind', 'device_credentials.secret_hash'])
      .where('devices.id', '=', deviceId)
      .executeTakeFirst();
    if (!row) {
      this.missing.set(deviceId, Date.now());
      return null;
    }
    const device: KnownDevice = { id: row.id, universityId: row.university_id, kind: row.kind as DeviceKind, secretHash: row.secret_hash ?? null };
    this.known.set(deviceId, device);
    return device;
  }

  /** Warms the cache with every device (simulator and broker start-up). */
  async preload(universityId?: string): Promise<number> {
    let q = this.db
      .selectFrom('devices')
      .leftJoin('device_credentials', 'device_credentials.device_id', 'devices.id')
      .select(['devices.id', 'devices.university_id', 'devices.kind', 'device_credentials.secret_hash']);
    if (universityId) q = q.where('devices.university_id', '=', universityId);
    const rows = await q.execute();
    for (const r of rows) this.known.set(r.id, { id: r.id, universityId: r.university_id, kind: r.kind as DeviceKind, secretHash: r.secret_hash ?? null });
    return rows.length;
  }
}
