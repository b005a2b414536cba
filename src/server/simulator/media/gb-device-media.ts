import type { MediaAnswer } from '../../adapters/gb28181/sdp.ts';
import type { GbDeviceMedia } from '../protocol/gb28181-device.ts';
import { RtpPsSender, type RtpPsSenderOptions } from './rtp-sender.ts';
import { ssrcFromSdp } from './rtp-packetizer.ts';
import type { TestPattern } from './test-pattern.ts';

/**
 * What a simulated GB/T 28181 device streams when INVITEd: the test pattern as PS over RTP, to
 * where the platform's offer says, over UDP or TCP (connecting to the platform when it listens,
 * listening when it connects).
 */
export function patternMedia(pattern: TestPattern | Promise<TestPattern>, extra: Pick<RtpPsSenderOptions, 'startMidGop' | 'transform'> = {}): GbDeviceMedia & { readonly senders: Set<RtpPsSender> } {
  const senders = new Set<RtpPsSender>();
  return {
    senders,
    async prepare(_channelId: string, offer: MediaAnswer) {
      const ssrc = offer.ssrc ? ssrcFromSdp(offer.ssrc) : 0;
      const destination: RtpPsSenderOptions['destination'] =
        offer.transport === 'UDP'
          ? { transport: 'UDP', host: offer.ip, port: offer.port }
          : offer.setup === 'active'
            ? { transport: 'TCP', mode: 'passive', host: '127.0.0.1' }
            : { transport: 'TCP', mode: 'active', host: offer.ip, port: offer.port };
      const sender = new RtpPsSender({ pattern: await pattern, ssrc, destination, ...extra, onEnd: () => senders.delete(sender) });
      senders.add(sender);
      const stop = () => {
        senders.delete(sender);
        void sender.stop();
      };
      // The platform connects to a listening device: listen now, so the port goes into the answer.
      if (destination.transport === 'TCP' && destination.mode === 'passive') {
        const { localPort } = await sender.start();
        return { port: localPort, start: () => undefined, stop };
      }
      return { port: 0, start: () => void sender.start().catch(stop), stop };
    },
  };
}
