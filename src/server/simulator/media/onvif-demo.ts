import type { Actor } from '../../http/policy.ts';
import type { DevicesService } from '../../modules/devices/index.ts';
import type { OnvifService } from '../../modules/onvif/index.ts';
import { OnvifCamera } from '../protocol/onvif-camera.ts';
import { RtspCamera, hikvisionStreamPath } from '../protocol/rtsp-camera.ts';
import type { TestPattern } from './test-pattern.ts';

/** The demo's ONVIF camera, by its ledger name (found again on the next start). */
export const DEMO_ONVIF_CAMERA_NAME = '保卫处 大厅 ONVIF 摄像机';
const CREDENTIALS = { username: 'admin', password: 'Demo-onvif-1' };

/**
 * One camera of the demo speaks ONVIF and RTSP instead of GB/T 28181, as a camera bought
 * separately and connected directly would: our ONVIF camera and RTSP server on free ports, added
 * to the ledger through the platform's own ONVIF path (re-pointed at the new ports on each start).
 */
export async function startOnvifDemo(o: {
  pattern: Promise<TestPattern>;
  onvif: Pick<OnvifService, 'add' | 'reconnect'>;
  devices: Pick<DevicesService, 'ofUniversity'>;
  universityId: string;
  campusId: string;
  actor: Actor;
}): Promise<{ stop(): Promise<void> }> {
  const pattern = await o.pattern;
  const rtsp = new RtspCamera({ channels: { [hikvisionStreamPath(1, 'main')]: pattern }, credentials: CREDENTIALS, auth: 'digest' });
  const rtspPort = await rtsp.listen('127.0.0.1', 0);
  const camera = new OnvifCamera({ ...CREDENTIALS, manufacturer: 'HIKVISION', model: 'DS-2CD3T47EWD-L', profiles: [{ token: 'main', name: 'mainStream', encoding: 'H264', width: pattern.width, height: pattern.height }], rtspPort });
  const port = await camera.listen();
  const stop = async () => {
    await camera.close();
    await rtsp.close();
  };
  try {
    const existing = (await o.devices.ofUniversity(o.universityId)).find((d) => d.name === DEMO_ONVIF_CAMERA_NAME);
    const connection = { host: '127.0.0.1', port, ...CREDENTIALS };
    if (existing) await o.onvif.reconnect(o.actor, existing.id, connection);
    else await o.onvif.add(o.actor, { campusId: o.campusId, name: DEMO_ONVIF_CAMERA_NAME, ...connection });
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
