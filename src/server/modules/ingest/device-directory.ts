import type { ModuleDb } from '../../store/tables.ts';
import type { DeviceKind } from '../../../shared/domain.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { DevicesService } from '../devices/index.ts';

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
    private readonly db: ModuleDb<'ingest'>,
    private readonly ledger: Pick<DevicesService, 'identities'>,
    bus: Bus,
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
    const [[identity], secrets] = await Promise.all([this.ledger.identities({ id: deviceId }), this.secretHashes([deviceId])]);
    if (!identity) {
      this.missing.set(deviceId, Date.now());
      return null;
    }
    const device: KnownDevice = { id: identity.id, universityId: identity.universityId, kind: identity.kind, secretHash: secrets.get(deviceId) ?? null };
    this.known.set(deviceId, device);
    return device;
  }

  /** Warms the cache with every device (simulator and broker start-up). */
  async preload(universityId?: string): Promise<number> {
    const [identities, secrets] = await Promise.all([this.ledger.identities(universityId ? { universityId } : {}), this.secretHashes()]);
    for (const d of identities) this.known.set(d.id, { id: d.id, universityId: d.universityId, kind: d.kind, secretHash: secrets.get(d.id) ?? null });
    return identities.length;
  }

  /** Secret hashes by device id: of the given devices, or of all. */
  private async secretHashes(deviceIds?: string[]): Promise<Map<string, string>> {
    let q = this.db.selectFrom('device_credentials').select(['device_id', 'secret_hash']);
    if (deviceIds) q = q.where('device_id', 'in', deviceIds);
    return new Map((await q.execute()).map((r) => [r.device_id, r.secret_hash]));
  }
}
