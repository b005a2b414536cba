/**
 * What the scenario needs to know about a device, and what it reads from the ledger's names:
 * the demo university names its devices the way an installer would (学生宿舍3号楼 东门门禁（进）,
 * 南大门（正门） 1号车道（入）车牌识别), so direction, lane and building type come from there.
 */
import type { DeviceKind } from '../../../shared/domain.ts';

export interface SimDevice {
  id: string;
  kind: DeviceKind;
  name: string;
  campusId: string;
  buildingId: string | null;
  /** Name of the building the device is in, when it is in one. */
  buildingName: string | null;
}

/** dorm: residents, curfew · class: teaching/lab/library timetable · secure: key rooms · service: back doors, fire exits. */
export type DoorRole = 'dorm' | 'class' | 'secure' | 'service';

const DORM = /宿舍|公寓|书院/;
const SECURE = /财务|保密|机要|机房|数据中心|危险|危化|放射|同位素|病原|BSL|重点实验室|档案库|监控中心|分控中心|药房|特藏|UPS|配电|开闭所|泵房/;
const SERVICE = /后勤|消防通道|消防门|货梯|通道门/;

export function doorRole(d: Pick<SimDevice, 'name' | 'buildingName'>): DoorRole {
  if (SECURE.test(d.name)) return 'secure';
  if (SERVICE.test(d.name)) return 'service';
  if (DORM.test(d.buildingName ?? '') || DORM.test(d.name)) return 'dorm';
  return 'class';
}

/** 'in' / 'out' when the name says which way the reader or lane faces. */
export function directionOf(name: string): 'in' | 'out' | null {
  if (/[（(](进|入)[)）]|入口/.test(name)) return 'in';
  if (/[（(]出[)）]|出口/.test(name)) return 'out';
  return null;
}

/** Pairs the LPR camera and the barrier gate of one lane: "南大门（正门） 1号车道（入）". */
export function laneKey(name: string): string | null {
  const m = /^(.*\d+号车道[（(][入出][)）])/.exec(name);
  return m ? m[1] : null;
}

export function laneNumber(name: string): number | undefined {
  const m = /(\d+)号车道/.exec(name);
  return m ? Math.min(32, Number(m[1])) : undefined;
}

/** "周界防区 杨浦-P03（东侧）" → "杨浦-P03". */
export function segmentOf(name: string): string {
  const m = /防区\s*([^\s（(]+)/.exec(name);
  return (m ? m[1] : name).slice(0, 64);
}

/** "巡更点 杨浦-012 …" → "杨浦" (the campus short name), else null. */
export function patrolAreaOf(name: string): string | null {
  const m = /巡更点\s*([^\s-]+)-\d+/.exec(name);
  return m ? m[1] : null;
}

/** Sort key of a patrol checkpoint: its number when the name has one. */
export function patrolNumber(name: string): number {
  const m = /-(\d+)/.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export type IntrusionDetector = 'pir' | 'microwave' | 'dual_tech' | 'glass_break' | 'beam' | 'video';

/** The detector behind an intrusion zone, from its name (门磁 has no enum value: left out). */
export function detectorOf(name: string): IntrusionDetector | undefined {
  if (/双鉴/.test(name)) return 'dual_tech';
  if (/红外/.test(name)) return 'pir';
  if (/微波/.test(name)) return 'microwave';
  if (/窗|玻璃/.test(name)) return 'glass_break';
  if (/对射|光束/.test(name)) return 'beam';
  if (/视频/.test(name)) return 'video';
  return undefined;
}
