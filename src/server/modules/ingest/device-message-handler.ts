import { parseTopic } from '../../adapters/mqtt/topics.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { IngestService } from './ingest.service.ts';

import type { DeviceIdentity, DeviceMessageSink, HandleOutcome } from '../../adapters/mqtt/broker.ts';

/**
 * What the platform does with one device message, whichever broker carried it. It resolves only
 * when the message is durably handled (event or dead letter committed), so the caller may then
 * acknowledge it; it rejects when the store failed, and the message must not be acknowledged.
 */
/** Sends a message back to a device over the channel its question came by (MQTT: its commands topic). */
export type DeviceReplier = (universityId: string, deviceId: string, message: object) => Promise<void>;

/**
 * Answers a door controller's access request (modules/access-control); resolves once the answer is
 * sent. `reply` is the MQTT transport's when set (an answer goes back the way the question came,
 * without looking up how else the device is connected), else null.
 */
export type AccessAnswerer = (device: { id: string; universityId: string; kind: string }, payload: Buffer, refuse: (reason: string, field: string | null) => Promise<void>, reply: DeviceReplier | null) => Promise<void>;

export class DeviceMessageHandler implements DeviceMessageSink {
  private accessAnswerer: AccessAnswerer | null = null;
  private replier: DeviceReplier | null = null;

  constructor(
    private readonly ingest: IngestService,
    private readonly health: DeviceHealthService,
  ) {}

  /** Who answers door controllers' requests on `…/access` (set when the access-control module is up). */
  setAccessAnswerer(answerer: AccessAnswerer | null) {
    this.accessAnswerer = answerer;
  }

  /** How answers reach a device that asked over MQTT (set once the transport is up). */
  setReplier(replier: DeviceReplier | null) {
    this.replier = replier;
  }

  /**
   * @param identity who the connection authenticated as; null when an external broker did the
   *   authentication (the topic's device must then exist in the ledger).
   */
  async handle(topic: string, payload: Buffer, identity: DeviceIdentity | null): Promise<HandleOutcome> {
    const parsed = parseTopic(topic);
    const claimed = parsed?.deviceId ?? identity?.deviceId ?? null;
    const ctx = { source: 'mqtt' as const, deviceId: identity?.deviceId ?? claimed, topic };
    if (!parsed || parsed.channel === 'commands') {
      const reason = parsed ? 'devices may not publish on the commands topic' : `topic "${topic}" is not xiaoan/<university>/<device>/events|heartbeat|access`;
      await this.ingest.recordRefused(payload, ctx, reason, 'topic');
      return { ok: false, reason };
    }
    if (identity && (parsed.deviceId !== identity.deviceId || parsed.universityId !== identity.universityId)) {
      const reason = `device ${identity.deviceId} may not publish as ${parsed.deviceId} (university ${parsed.universityId})`;
      await this.ingest.recordRefused(payload, ctx, reason, 'topic');
      return { ok: false, reason };
    }
    if (parsed.channel === 'access') {
      const device = this.ingest.directory.cached(parsed.deviceId) ?? (await this.ingest.directory.get(parsed.deviceId));
      if (!device || device.universityId !== parsed.universityId) {
        await this.ingest.recordRefused(payload, ctx, `device ${parsed.deviceId} does not exist in university ${parsed.universityId}`, 'topic');
        return { ok: false, reason: 'unknown device' };
      }
      if (!this.accessAnswerer) {
        await this.ingest.recordRefused(payload, ctx, 'no access decisions on this server', 'topic');
        return { ok: false, reason: 'no access decisions' };
      }
      this.health.markSeen(device.id, device.universityId);
      let refusal: string | null = null;
      await this.accessAnswerer(device, payload, async (reason, field) => {
        refusal = reason;
        await this.ingest.recordRefused(payload, { ...ctx, deviceId: device.id }, reason, field);
      }, this.replier);
      return refusal ? { ok: false, reason: refusal } : { ok: true };
    }
    if (parsed.channel === 'heartbeat') {
      const device = await this.ingest.directory.get(parsed.deviceId);
      if (!device || device.universityId !== parsed.universityId) {
        await this.ingest.recordRefused(payload, ctx, `device ${parsed.deviceId} does not exist in university ${parsed.universityId}`, 'topic');
        return { ok: false, reason: 'unknown device' };
      }
      this.health.markSeen(device.id, device.universityId);
      return { ok: true };
    }
    const device = this.ingest.directory.cached(parsed.deviceId) ?? (await this.ingest.directory.get(parsed.deviceId));
    if (device && device.universityId !== parsed.universityId) {
      await this.ingest.recordRefused(payload, ctx, `device ${parsed.deviceId} does not belong to university ${parsed.universityId}`, 'topic');
      return { ok: false, reason: 'wrong university' };
    }
    await this.ingest.ingestRaw(payload, { ...ctx, deviceId: parsed.deviceId });
    return { ok: true };
  }
}
