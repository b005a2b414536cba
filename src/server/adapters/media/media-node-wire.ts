/**
 * How the API process and a media node talk over one WebSocket: requests (ToRtpStreams) go to the
 * node as JSON text; everything the node sends back is one binary message per event: a 4-byte
 * big-endian length, the event as JSON, then its media bytes (a frame or fragment) as they are,
 * so video is never base64-encoded or parsed as JSON.
 */
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { asBuffer, payloadOf, type FromRtpStreams, type ToRtpStreams } from './rtp-streams.ts';

/** The bearer secret both sides are configured with (XIAOAN_MEDIA_NODE_SECRET). */
export const MEDIA_NODE_AUTH_HEADER = 'authorization';
/** The path a node serves its streams on. */
export const MEDIA_NODE_PATH = '/rtp';

export function encodeFromNode(m: FromRtpStreams): Buffer {
  const payload = payloadOf(m);
  const header = Buffer.from(JSON.stringify(payload ? { ...m, bytes: undefined, data: undefined } : m));
  const lead = Buffer.alloc(4);
  lead.writeUInt32BE(header.length);
  return payload ? Buffer.concat([lead, header, asBuffer(payload)]) : Buffer.concat([lead, header]);
}

export function decodeFromNode(frame: Buffer): FromRtpStreams {
  if (frame.length < 4) throw new Error('media node frame shorter than its length prefix');
  const headerLength = frame.readUInt32BE(0);
  if (4 + headerLength > frame.length) throw new Error('media node frame shorter than its header');
  const m = JSON.parse(frame.subarray(4, 4 + headerLength).toString('utf8')) as FromRtpStreams;
  // A copy of its own: a view would keep the whole socket chunk alive while the GOP cache holds the fragment.
  const payload = Buffer.from(frame.subarray(4 + headerLength));
  if (m.ev === 'ps') return { ...m, bytes: payload };
  if (m.ev === 'init' || m.ev === 'fragment') return { ...m, data: payload };
  return m;
}

const StreamId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Host = Type.String({ minLength: 1, maxLength: 255 });
const ToNodeSchema = Type.Union([
  Type.Object({
    op: Type.Literal('listen'),
    id: StreamId,
    how: Type.Union([
      Type.Object({ transport: Type.Literal('UDP'), host: Host }),
      Type.Object({ transport: Type.Literal('TCP'), setup: Type.Literal('passive'), host: Host }),
      Type.Object({ transport: Type.Literal('TCP'), setup: Type.Literal('active') }),
    ]),
    remux: Type.Boolean(),
  }),
  Type.Object({ op: Type.Literal('connect'), id: StreamId, host: Host, port: Type.Integer({ minimum: 1, maximum: 65535 }) }),
  Type.Object({ op: Type.Literal('close'), id: StreamId }),
]);

/** A request as the node receives it, checked: a malformed one is refused, never half-run. */
export function decodeToNode(text: string): ToRtpStreams {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (!Value.Check(ToNodeSchema, m)) {
    const [first] = [...Value.Errors(ToNodeSchema, m)];
    throw new Error(`not a media node request${first ? ` (${first.instancePath || '/'}: ${first.message})` : ''}`);
  }
  return m as ToRtpStreams;
}
