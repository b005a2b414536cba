import type { DeviceInput } from '../../../shared/devices.ts';
import type { DeviceKind } from '../../../shared/domain.ts';
import { parseGbId } from '../../../shared/gb28181-id.ts';
import type { GbRecords } from '../../../shared/gb28181.ts';
import { text } from '../../adapters/gb28181/manscdp.ts';
import { gbLocalTime } from './gb-alarms.ts';

/** One channel of a catalog response (GB/T 28181 §A.2.6.4 Item). */
export interface CatalogItem {
  gbId: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  parentId: string | null;
  status: 'ON' | 'OFF' | null;
  lon: number | null;
  lat: number | null;
  /** 1 dome (球机), 2 half-dome, 3 fixed, 4 remote-controlled fixed. */
  ptzType: number | null;
  /** 1 outdoor, 2 indoor. */
  roomType: number | null;
  /** 1 public order, 2 traffic, 3 key site. */
  useType: number | null;
  /** In a change notification (subscription): ON, OFF, VLOST, DEFECT, ADD, DEL, UPDATE. */
  event: string | null;
  raw: Record<string, unknown>;
}

const num = (v: unknown) => {
  const s = text(v);
  const n = s === '' ? NaN : Number(s);
  return Number.isFinite(n) ? n : null;
};

/** The Items of one catalog MESSAGE, with the SumNum it announces. Items without a valid id are skipped. */
export function catalogPage(body: Record<string, unknown>): { sumNum: number; items: CatalogItem[] } {
  const sumNum = Number(text(body.SumNum));
  const list = body.DeviceList && typeof body.DeviceList === 'object' ? (body.DeviceList as Record<string, unknown>).Item : undefined;
  const raws = (Array.isArray(list) ? list : list ? [list] : []) as Record<string, unknown>[];
  const items: CatalogItem[] = [];
  for (const r of raws) {
    const gbId = text(r.DeviceID);
    if (!parseGbId(gbId).ok) continue;
    const info = (r.Info && typeof r.Info === 'object' ? r.Info : {}) as Record<string, unknown>;
    const lon = num(r.Longitude);
    const lat = num(r.Latitude);
    // 0/0 is what devices send when they do not know where they are.
    const located = lon !== null && lat !== null && (lon !== 0 || lat !== 0) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
    const status = text(r.Status).toUpperCase();
    items.push({
      gbId,
      name: text(r.Name).slice(0, 100) || gbId,
      manufacturer: text(r.Manufacturer) || null,
      model: text(r.Model) || null,
      parentId: text(r.ParentID) || null,
      status: status === 'ON' || status === 'ONLINE' ? 'ON' : status === 'OFF' || status === 'OFFLINE' ? 'OFF' : null,
      lon: located ? lon : null,
      lat: located ? lat : null,
      ptzType: num(info.PTZType ?? r.PTZType),
      roomType: num(info.RoomType ?? r.RoomType),
      useType: num(info.UseType ?? r.UseType),
      event: text(r.Event).toUpperCase() || null,
      raw: r,
    });
  }
  return { sumNum: Number.isInteger(sumNum) && sumNum >= 0 ? sumNum : items.length, items };
}

/**
 * Gathers an answer that comes in several MESSAGEs (a catalog of 500 channels, a recorder's file
 * list), by device and SN, until SumNum items have arrived.
 */
export class PagedAnswers<T> {
  private readonly open = new Map<string, { sumNum: number; items: Map<string, T>; done: (items: T[]) => void }>();

  constructor(private readonly idOf: (item: T, index: number) => string) {}

  /** Starts waiting for an answer; `done` runs once complete. */
  expect(deviceGbId: string, sn: number, done: (items: T[]) => void) {
    this.open.set(`${deviceGbId}/${sn}`, { sumNum: -1, items: new Map(), done });
  }

  cancel(deviceGbId: string, sn: number): T[] {
    const key = `${deviceGbId}/${sn}`;
    const c = this.open.get(key);
    this.open.delete(key);
    return c ? [...c.items.values()] : [];
  }

  /** Adds a page; false when nobody asked for it (an unsolicited answer is still acknowledged). */
  add(deviceGbId: string, sn: number, page: { sumNum: number; items: T[] }): boolean {
    const key = `${deviceGbId}/${sn}`;
    const c = this.open.get(key);
    if (!c) return false;
    c.sumNum = page.sumNum;
    page.items.forEach((item, i) => c.items.set(this.idOf(item, c.items.size + i), item));
    if (c.items.size >= c.sumNum) {
      this.open.delete(key);
      c.done([...c.items.values()]);
    }
    return true;
  }
}

/** The ledger kind a channel becomes, by its type code; null for what a person must classify (alarm inputs …). */
export function channelKind(gbId: string): DeviceKind | null {
  const parsed = parseGbId(gbId);
  if (!parsed.ok) return null;
  const type = Number(parsed.parts.type);
  return type === 131 || type === 132 ? 'camera' : null;
}

/** A new ledger camera from a catalog item, placed where its recorder is unless it reports a position. */
export function channelDevice(item: CatalogItem, parent: { campusId: string | null; buildingId: string | null; floorId: string | null; lon: number | null; lat: number | null }): DeviceInput {
  return {
    name: item.name,
    kind: 'camera',
    campusId: parent.campusId,
    buildingId: parent.buildingId,
    floorId: parent.floorId,
    lon: item.lon ?? parent.lon,
    lat: item.lat ?? parent.lat,
    vendor: item.manufacturer,
    model: item.model,
    gbId: item.gbId,
    // The catalog does not report resolution: recorded as 1080p and flagged, so the HD check is not fooled silently.
    notes: '由国标目录（Catalog）自动登记：分辨率未上报，请核实。',
    camera: {
      resolution: '1080p',
      type: item.ptzType === 1 || item.ptzType === 2 ? 'ptz' : 'fixed',
      placement: item.roomType === 1 ? 'outdoor' : item.roomType === 2 ? 'indoor' : null,
    },
  };
}

/** One file a recorder holds (RecordInfo Item), times in UTC ISO. */
export type GbRecord = GbRecords['records'][number];

/** The records of one RecordInfo MESSAGE, with the SumNum it announces; items without valid times are skipped. */
export function recordPage(body: Record<string, unknown>, channelId: string): { sumNum: number; items: GbRecord[] } {
  const sumNum = Number(text(body.SumNum));
  const list = body.RecordList && typeof body.RecordList === 'object' ? (body.RecordList as Record<string, unknown>).Item : undefined;
  const raws = (Array.isArray(list) ? list : list ? [list] : []) as Record<string, unknown>[];
  const items: GbRecord[] = [];
  for (const r of raws) {
    const start = gbLocalTime(text(r.StartTime));
    const end = gbLocalTime(text(r.EndTime));
    if (!start || !end) continue;
    items.push({ channelId: text(r.DeviceID) || channelId, name: text(r.Name) || null, filePath: text(r.FilePath) || null, start, end, type: text(r.Type) || null });
  }
  return { sumNum: Number.isInteger(sumNum) && sumNum >= 0 ? sumNum : items.length, items };
}
