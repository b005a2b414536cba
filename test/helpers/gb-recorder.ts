/**
 * A GB/T 28181 NVR of our simulator connected to a test app over real SIP: entered in the ledger,
 * credentials issued, registered, its channels in the ledger from its catalog. The media tests
 * (live video, recording) start from here.
 */
import assert from 'node:assert/strict';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { GbDevice, type GbDeviceMedia } from '../../src/server/simulator/protocol/gb28181-device.ts';
import type { TestApp } from './test-app.ts';
import { waitFor } from './wait.ts';

export const TEST_PLATFORM_ID = '31000000112000000001';
export const TEST_SIP_DOMAIN = '3100000011';

export interface ConnectedRecorder {
  device: GbDevice;
  /** Ledger id of each channel, by its GB id. */
  ids: Map<string, string>;
  close(): Promise<void>;
}

export async function connectGbRecorder(t: TestApp, o: { campusId: string; gbId: string; name: string; channels: string[]; channelName: (i: number) => string; media: GbDeviceMedia; now?: () => number }): Promise<ConnectedRecorder> {
  const nvrId = (await t.services.devices.create(SYSTEM_ACTOR, { name: o.name, kind: 'recorder', campusId: o.campusId, gbId: o.gbId, lon: 121.503, lat: 31.3 })).id;
  const { password } = await t.services.credentials.issue(SYSTEM_ACTOR, nvrId);
  const transport = new SipTransport((m, peer) => t.services.gbPlatform.handle(m, peer));
  const port = await transport.listen('127.0.0.1', 0);
  t.services.gbPlatform.attach(transport);
  const device = new GbDevice({
    gbId: o.gbId,
    password,
    platformId: TEST_PLATFORM_ID,
    domain: TEST_SIP_DOMAIN,
    host: '127.0.0.1',
    port,
    transport: 'UDP',
    channels: o.channels.map((gbId, i) => ({ gbId, name: o.channelName(i), status: 'ON' as const })),
    media: o.media,
    ...(o.now ? { now: o.now } : {}),
  });
  const close = async () => {
    await device.close();
    await transport.close();
  };
  try {
    await device.connect();
    assert.equal((await device.register(3600)).status, 200, 'the recorder registers');
    const ids = new Map<string, string>();
    for (const gbId of o.channels) {
      const cam = await waitFor(`camera ${gbId} in the ledger from the catalog`, async () => (await t.services.devices.byGbIds([gbId]))[0], 30_000);
      ids.set(gbId, cam.id);
    }
    return { device, ids, close };
  } catch (err) {
    await close();
    throw err;
  }
}
