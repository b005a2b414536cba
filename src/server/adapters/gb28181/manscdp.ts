import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';

/**
 * MANSCDP (GB/T 28181 §A): the XML bodies of SIP MESSAGEs. Devices write them in GB2312 or
 * GB18030 (GB18030 is a superset, so it decodes both); what the platform sends is GB2312-declared
 * and GB18030-encoded, as devices expect.
 */
export const MANSCDP_CONTENT_TYPE = 'Application/MANSCDP+xml';

export type ManscdpRoot = 'Query' | 'Control' | 'Notify' | 'Response';
const ROOTS: readonly ManscdpRoot[] = ['Query', 'Control', 'Notify', 'Response'];

export interface ManscdpMessage {
  root: ManscdpRoot;
  cmdType: string;
  sn: number;
  deviceId: string;
  /** Every child element as parsed (text values stay strings; repeated elements become arrays). */
  body: Record<string, unknown>;
}

export class ManscdpError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // Lists that may hold one item still parse as arrays.
  isArray: (name, jpath) => name === 'Item' && /(DeviceList|RecordList|AlarmList|PresetList)\.Item$/.test(String(jpath)),
});
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: false });

/** The body's text: GB18030 unless the Content-Type names UTF-8. */
export function decodeBody(latin1: string, contentType?: string): string {
  const bytes = Buffer.from(latin1, 'binary');
  return /charset\s*=\s*"?utf-?8/i.test(contentType ?? '') ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');
}

/** Parses a MANSCDP document; throws ManscdpError naming what is wrong. */
export function parseManscdp(xml: string): ManscdpMessage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ManscdpError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Record<string, unknown>;
  const root = ROOTS.find((r) => r in doc);
  if (!root) throw new ManscdpError(`the root element must be one of ${ROOTS.join(', ')}`);
  const body = doc[root];
  if (!body || typeof body !== 'object') throw new ManscdpError(`<${root}> is empty`);
  const fields = body as Record<string, unknown>;
  const cmdType = text(fields.CmdType);
  if (!cmdType) throw new ManscdpError('<CmdType> is missing');
  const sn = Number(text(fields.SN));
  if (!Number.isInteger(sn) || sn < 0) throw new ManscdpError('<SN> must be a non-negative integer');
  const deviceId = text(fields.DeviceID);
  if (!deviceId) throw new ManscdpError('<DeviceID> is missing');
  return { root, cmdType, sn, deviceId, body: fields };
}

/** Text of a parsed element ('' when absent or not text). */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return String((v as { '#text': unknown })['#text']);
  return '';
}

/** A MANSCDP document as bytes (a latin1 string for the `sip` package). */
export function buildManscdp(root: ManscdpRoot, fields: Record<string, unknown>): string {
  const xml = `<?xml version="1.0" encoding="GB2312"?>\n${builder.build({ [root]: fields })}`;
  return iconv.encode(xml, 'gb18030').toString('binary');
}
