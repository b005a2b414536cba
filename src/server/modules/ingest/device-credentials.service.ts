import type { ModuleDb } from '../../store/tables.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Actor } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceDirectory } from './device-directory.ts';

/** Device secrets are 192 random bits, so a fast hash is enough (argon2 would throttle 50,000 devices reconnecting). */
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface IssuedCredentials {
  deviceId: string;
  username: string;
  password: string;
  topics: { events: string; heartbeat: string; commands: string };
}

export const topicsOf = (universityId: string, deviceId: string) => ({
  events: `xiaoan/${universityId}/${deviceId}/events`,
  heartbeat: `xiaoan/${universityId}/${deviceId}/heartbeat`,
  commands: `xiaoan/${universityId}/${deviceId}/commands`,
});

/** Per-device credentials for MQTT (username = device id) and HTTP ingest (Basic auth, same pair). */
export class DeviceCredentialsService {
  constructor(
    private readonly db: ModuleDb<'ingest'>,
    private readonly devices: DevicesService,
    private readonly directory: DeviceDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Issues (or replaces) a device's secret. The secret is shown once; only its hash is stored. */
  async issue(actor: Actor, deviceId: string): Promise<IssuedCredentials> {
    const device = await this.devices.get(actor, deviceId); // scope check: 404 outside the actor's university
    const secret = randomBytes(24).toString('base64url');
    await this.setSecret(deviceId, secret, actor, device.universityId);
    return { deviceId, username: deviceId, password: secret, topics: topicsOf(device.universityId, deviceId) };
  }

  /** Stores a secret chosen by the platform itself (simulator), bypassing the actor checks. */
  async setSecret(deviceId: string, secret: string, actor: Actor, universityId: string): Promise<void> {
    const now = this.clock.nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('device_credentials').where('device_id', '=', deviceId).execute();
      await trx.insertInto('device_credentials').values({ device_id: deviceId, secret_hash: hash(secret), created_at: now, created_by: actor.id }).execute();
      await this.audit.record(trx, actor, { action: 'credentials_issued', entityType: 'device', entityId: deviceId, universityId });
    });
    this.directory.forget(deviceId);
  }

  /** Bulk variant for seeding many simulated devices at once (one transaction, one audit entry). */
  async setSecrets(entries: { deviceId: string; secret: string }[], actor: Actor, universityId: string): Promise<void> {
    const now = this.clock.nowIso();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < entries.length; i += 500) {
        const chunk = entries.slice(i, i + 500);
        await trx.deleteFrom('device_credentials').where('device_id', 'in', chunk.map((e) => e.deviceId)).execute();
        await trx
          .insertInto('device_credentials')
          .values(chunk.map((e) => ({ device_id: e.deviceId, secret_hash: hash(e.secret), created_at: now, created_by: actor.id })))
          .execute();
      }
      await this.audit.record(trx, actor, { action: 'credentials_issued', entityType: 'device', entityId: null, universityId, after: { devices: entries.length } });
    });
    for (const e of entries) this.directory.forget(e.deviceId);
  }

  /** The device's identity when the secret is its current one; unknown devices and devices without credentials fail. */
  async authenticate(deviceId: string, secret: string): Promise<{ deviceId: string; universityId: string } | null> {
    const device = await this.directory.get(deviceId);
    if (!device?.secretHash) return null;
    const a = Buffer.from(device.secretHash, 'hex');
    const b = Buffer.from(hash(secret), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? { deviceId, universityId: device.universityId } : null;
  }
}
