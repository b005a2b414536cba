/**
 * SDP as GB/T 28181 uses it to set up a media stream (§9.2, annex F): the platform's offer names
 * where it receives (IP, port, UDP or RFC 4571 TCP with its setup role) and the SSRC in the
 * GB-specific `y=` line; the device's answer names where it sends from (TCP active: where the
 * platform connects) and confirms the SSRC.
 */
export type MediaTransport = 'UDP' | 'TCP';
/** RFC 4145 role of the platform in a TCP stream: passive = it listens, the device connects. */
export type TcpSetup = 'passive' | 'active';

export interface MediaOffer {
  platformId: string;
  ip: string;
  port: number;
  transport: MediaTransport;
  setup?: TcpSetup;
  ssrc: string;
  /** Play = live; Playback = recorded video on the device between start and end (Unix seconds). */
  session: 'Play' | 'Playback';
  channelGbId: string;
  range?: { startS: number; endS: number };
}

export function buildOffer(o: MediaOffer): string {
  const tcp = o.transport === 'TCP';
  const lines = [
    'v=0',
    `o=${o.platformId} 0 0 IN IP4 ${o.ip}`,
    `s=${o.session}`,
    ...(o.session === 'Playback' ? [`u=${o.channelGbId}:0`] : []),
    `c=IN IP4 ${o.ip}`,
    o.range ? `t=${o.range.startS} ${o.range.endS}` : 't=0 0',
    `m=video ${o.port} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} 96 97 98`,
    'a=recvonly',
    'a=rtpmap:96 PS/90000',
    'a=rtpmap:97 MPEG4/90000',
    'a=rtpmap:98 H264/90000',
    ...(tcp ? [`a=setup:${o.setup ?? 'passive'}`, 'a=connection:new'] : []),
    `y=${o.ssrc}`,
  ];
  return lines.join('\r\n') + '\r\n';
}

export interface MediaAnswer {
  ip: string;
  port: number;
  transport: MediaTransport;
  setup: TcpSetup | null;
  ssrc: string | null;
  payloadTypes: string[];
  /** `s=`: Play (live), Playback, Download. */
  session: string | null;
  /** `t=` of a playback: the recording's span in epoch seconds; null for live (`t=0 0`). */
  range: { startS: number; endS: number } | null;
}

/** Reads a device's SDP answer; throws with the reason when it names no address or port. */
export function parseAnswer(sdp: string): MediaAnswer {
  let ip = '';
  let port = -1;
  let transport: MediaTransport = 'UDP';
  let setup: TcpSetup | null = null;
  let ssrc: string | null = null;
  let payloadTypes: string[] = [];
  let session: string | null = null;
  let range: MediaAnswer['range'] = null;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('s=')) session = line.slice(2).trim() || null;
    else if (line.startsWith('t=')) {
      const [startS, endS] = line.slice(2).trim().split(/\s+/).map(Number);
      if (Number.isInteger(startS) && Number.isInteger(endS) && startS! > 0 && endS! > startS!) range = { startS: startS!, endS: endS! };
    } else if (line.startsWith('c=')) ip = line.split(/\s+/)[2] ?? ip;
    else if (line.startsWith('m=video')) {
      const [, p, proto, ...pts] = line.split(/\s+/);
      port = Number(p);
      transport = proto?.toUpperCase().startsWith('TCP') ? 'TCP' : 'UDP';
      payloadTypes = pts;
    } else if (line.startsWith('a=setup:')) {
      const role = line.slice(8).trim();
      setup = role === 'active' || role === 'passive' ? role : null;
    } else if (line.startsWith('y=')) ssrc = line.slice(2).trim();
  }
  if (!ip) throw new Error('the SDP answer has no connection address (c=)');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('the SDP answer has no video port (m=video)');
  return { ip, port, transport, setup, ssrc, payloadTypes, session, range };
}
