import type { VideoCodec } from '../../adapters/media/ps.ts';
import { PsRemuxer, type RemuxerEvents } from '../../adapters/media/ps-remuxer.ts';
import { RtpPsReceiver } from '../../adapters/media/rtp-receiver.ts';
import type { RemoteReceiver } from '../../adapters/media/rtp-receivers.ts';

/** Makes a stream's RTP receiver: in this thread (tests), or in the RTP thread (the platform, adapters/media/rtp-receivers.ts). */
/** With `remuxed`, the receiver remuxes the stream itself (builtin remuxer) and delivers fMP4 there instead of program stream bytes. */
export type NewReceiver = (onProgramStream: (bytes: Buffer, endOfFrame: boolean) => void, onCodec: (codec: VideoCodec | null) => void, onClosed: (reason: string) => void, remuxed?: RemuxerEvents) => RemoteReceiver;
const inProcessReceiver: NewReceiver = (ps, codec, closed, remuxed) => {
  const remuxer = remuxed && new PsRemuxer(null, remuxed);
  return new RtpPsReceiver(remuxer ? (bytes, endOfFrame) => remuxer.write(bytes, endOfFrame) : ps, codec, (reason) => (remuxer?.stop(), closed(reason)));
};
import type { MediaTransport, TcpSetup } from '../../adapters/gb28181/sdp.ts';
import type { GbPlatform } from '../gb28181/index.ts';
import type { OnvifCameras } from '../onvif/index.ts';
import type { LiveStream, StreamSource, StreamViewer } from './live-stream.ts';

export interface GbMediaSettings {
  /** The address put in SDP offers (where cameras send), and the one receiving sockets bind to. */
  advertisedIp: string;
  bindHost: string;
  transport: MediaTransport;
  setup: TcpSetup;
}

/**
 * Video of a GB/T 28181 channel, live or — with `playback` — a span of what its recorder holds
 * (INVITE s=Playback, §9.8): a receiving socket is opened first (its port goes into the offer),
 * then the INVITE; the stream ends with BYE, or when the device reports the end of the recording.
 * With TCP active the platform connects to the port the device answered with.
 */
export function gbSource(platform: Pick<GbPlatform, 'invite'>, deviceId: string, settings: GbMediaSettings, newReceiver: NewReceiver = inProcessReceiver, playback?: { startS: number; endS: number }): StreamSource {
  return {
    kind: playback ? 'gb28181-playback' : 'gb28181',
    async start(stream: LiveStream) {
      // The builtin remuxer runs where the RTP is received (the RTP thread) and reads the codec from the stream map.
      const builtin = stream.remuxesProgramStreams;
      const receiver = newReceiver(
        (ps, endOfFrame) => stream.feed(ps, endOfFrame),
        (codec) => !builtin && codec === 'h265' && stream.openRemuxer({ kind: 'ps', codec }, true),
        (reason) => stream.end(reason, 'stalled'),
        builtin ? stream.remuxOutput : undefined,
      );
      // Most cameras send H.264: ffmpeg loads while the camera is being asked.
      if (!builtin) stream.openRemuxer({ kind: 'ps', codec: 'h264' });
      const tcpActive = settings.transport === 'TCP' && settings.setup === 'active';
      const port = await receiver.listen(settings.transport === 'UDP' ? { transport: 'UDP', host: settings.bindHost } : tcpActive ? { transport: 'TCP', setup: 'active' } : { transport: 'TCP', setup: 'passive', host: settings.bindHost });
      let session: Awaited<ReturnType<GbPlatform['invite']>>;
      try {
        const receiving = { ip: settings.advertisedIp, port, transport: settings.transport, setup: settings.setup };
        session = playback ? await platform.invite(deviceId, receiving, 'Playback', playback) : await platform.invite(deviceId, receiving);
      } catch (err) {
        receiver.close('the camera did not start the stream');
        throw err;
      }
      session.onEnded = (why) => (why === 'end_of_file' ? stream.end('the recording played back has ended', 'playback_ended') : stream.end('the camera ended the stream (BYE)', 'camera_hangup'));
      if (tcpActive) {
        try {
          await receiver.connect(session.answer.ip, session.answer.port);
        } catch (err) {
          void session.bye();
          receiver.close('no TCP connection');
          throw err;
        }
      }
      stream.stats = () => ({ ...receiver.stats });
      return () => {
        void session.bye();
        receiver.close();
      };
    },
  };
}

/** Live video of an ONVIF camera: ffmpeg pulls its RTSP main stream over TCP itself. */
export function rtspSource(rtsp: { url: string; codec: 'h264' | 'h265' | null }): StreamSource {
  return {
    kind: 'rtsp',
    async start(stream: LiveStream) {
      stream.openRemuxer({ kind: 'rtsp', url: rtsp.url, codec: rtsp.codec });
      return () => undefined;
    },
  };
}

/**
 * An H.264 transcode of a camera's stream, for browsers that cannot decode H.265: ffmpeg reads
 * the original stream's fragmented MP4 (from its init and current GOP on) and encodes it again.
 */
export function transcodeSource(original: () => Promise<LiveStream>): StreamSource {
  return {
    kind: 'transcode',
    async start(stream: LiveStream) {
      const source = await original();
      const viewer: StreamViewer = {
        init: (init) => {
          stream.openRemuxer({ kind: 'transcode-h264' });
          stream.feed(init.data);
        },
        fragment: (f) => stream.feed(f.data),
        ended: (reason) => stream.end(`the camera's stream ended: ${reason}`, 'source_ended'),
      };
      source.attach(viewer);
      return () => source.detach(viewer);
    },
  };
}

/** A span of what a GB/T 28181 camera's recorder holds, or null for a camera not registered over GB/T 28181. */
export async function playbackSourceOf(deviceId: string, span: { startS: number; endS: number }, d: { gb: Pick<GbPlatform, 'invite' | 'routeOf'>; gbSettings: GbMediaSettings; newReceiver?: NewReceiver }): Promise<StreamSource | null> {
  return (await d.gb.routeOf(deviceId)) ? gbSource(d.gb, deviceId, d.gbSettings, d.newReceiver, span) : null;
}

/** How the media module finds a camera's video: GB/T 28181 first, then ONVIF/RTSP. */
export async function sourceOf(deviceId: string, d: { gb: Pick<GbPlatform, 'invite' | 'routeOf'>; onvif: Pick<OnvifCameras, 'rtspOf'>; gbSettings: GbMediaSettings; newReceiver?: NewReceiver }): Promise<StreamSource | null> {
  if (await d.gb.routeOf(deviceId)) return gbSource(d.gb, deviceId, d.gbSettings, d.newReceiver);
  const rtsp = await d.onvif.rtspOf(deviceId);
  return rtsp ? rtspSource(rtsp) : null;
}
