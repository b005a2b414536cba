import type { ModuleDb } from '../../store/tables.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IssuedDeviceCredentials } from '../../../shared/device-credentials.ts';
import type { Clock } from '../../clock.ts';
import type { Actor } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceDirectory } from './device-directory.ts';

/** Device secrets are 192 random bits, so a fast hash is enough (argon2 would throttle 50,000 devices reconnecting). */
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export type IssuedCredentials = IssuedDeviceCredentials;

export const topicsOf = (universityId: string, deviceId: string) => ({
  events: `xiaoan/${universityId}/${deviceId}/events`,
  heartbeat: `xiaoan/${universityId}/${deviceId}/heartbeat`,
  commands: `xiaoan/${universityId}/${deviceId}/commands`,
});

/** HA1 of SIP digest (RFC 2617): MD5(user:realm:password). */
const sipHa1 = (gbId: string, realm: string, secret: string) => createHash('md5').update(`${gbId}:${realm}:${secret}`).digest('hex');

/**
 * Per-device credentials for MQTT (username = device id), HTTP ingest (Basic auth, same pair)
 * and, for a device with a GB/T 28181 id, SIP digest (username = the GB id, same secret).
 */
export class DeviceCredentialsService {
  constructor(
    private readonly db: ModuleDb<'ingest'>,
    private readonly devices: DevicesService,
    private readonly directory: DeviceDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The SIP domain (realm) GB/T 28181 devices authenticate in. */
    private readonly sipRealm: string,
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
    const [row] = await this.rows([{ deviceId, secret }], now, actor);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('device_credentials').where('device_id', '=', deviceId).execute();
      await trx.insertInto('device_credentials').values(row!).execute();
      await this.audit.record(trx, actor, { action: 'credentials_issued', entityType: 'device', entityId: deviceId, universityId });
    });
    this.directory.forget(deviceId);
  }

  /** Bulk variant for seeding many simulated devices at once (one transaction, one audit entry). */
  async setSecrets(entries: { deviceId: string; secret: string }[], actor: Actor, universityId: string): Promise<void> {
    const now = this.clock.nowIso();
    const rows = await this.rows(entries, now, actor);
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await trx.deleteFrom('device_credentials').where('device_id', 'in', chunk.map((r) => r.device_id)).execute();
        await trx.insertInto('device_credentials').values(chunk).execute();
      }
      await this.audit.record(trx, actor, { action: 'credentials_issued', entityType: 'device', entityId: null, universityId, after: { devices: entries.length } });
    });
    for (const e of entries) this.directory.forget(e.deviceId);
  }

  private async rows(entries: { deviceId: string; secret: string }[], now: string, actor: Actor) {
    const gbIds = new Map((await this.devices.byIds(entries.map((e) => e.deviceId))).map((d) => [d.id, d.gbId]));
    return entries.map((e) => {
      const gbId = gbIds.get(e.deviceId);
      return {
        device_id: e.deviceId,
        secret_hash: hash(e.secret),
        sip_ha1: gbId ? sipHa1(gbId, this.sipRealm, e.secret) : null,
        sip_realm: gbId ? this.sipRealm : null,
        created_at: now,
        created_by: actor.id,
      };
    });
  }

  /** SIP digest keys of devices (GB/T 28181 registration), by device id; devices without one are absent. */
  async sipKeys(deviceIds: string[]): Promise<Map<string, { ha1: string; realm: string }>> {
    if (!deviceIds.length) return new Map();
    const rows = await this.db.selectFrom('device_credentials').select(['device_id', 'sip_ha1', 'sip_realm']).where('device_id', 'in', deviceIds).where('sip_ha1', 'is not', null).execute();
    return new Map(rows.map((r) => [r.device_id, { ha1: r.sip_ha1!, realm: r.sip_realm! }]));
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
