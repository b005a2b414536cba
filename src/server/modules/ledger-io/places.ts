/**
 * The org tree of one university (or of everything an actor sees, for an export), loaded once,
 * to turn place names into ids and back without a query per row. Names are looked up within
 * their parent: a building under its campus, a floor under its building, an area under its floor.
 */
import type { OrgKind } from '../../../shared/domain.ts';
import type { UnitRef } from '../org/index.ts';
import { COLUMNS, type PlaceLevel, type PlaceNames } from './columns.ts';
import type { ImportProblem } from '../../../shared/ledger-io.ts';
import { fold } from './labels.ts';

interface Unit {
  id: string;
  kind: OrgKind;
  parentId: string | null;
  universityId: string | null;
  name: string;
  floorLevel: number | null;
  privacy: string | null;
}

type TreeRow = { id: string; kind: string; parent_id: string | null; university_id: string | null; name: string; floor_level: number | null; privacy: string | null };

interface Children {
  exact: Map<string, Unit[]>;
  folded: Map<string, Unit[]>;
  byLevel: Map<number, Unit[]>;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const LEVELS: readonly PlaceLevel[] = ['campus', 'building', 'floor', 'area'];
const HEADER: Record<PlaceLevel, string> = Object.fromEntries(COLUMNS.filter((c) => c.type === 'place').map((c) => [(c as { level: PlaceLevel }).level, c.header])) as Record<PlaceLevel, string>;
const FIELD: Record<PlaceLevel, 'campusId' | 'buildingId' | 'floorId' | 'areaId'> = { campus: 'campusId', building: 'buildingId', floor: 'floorId', area: 'areaId' };

export interface ResolvedPlace {
  campusId: string | null;
  buildingId: string | null;
  floorId: string | null;
  areaId: string | null;
}

export class PlaceIndex implements PlaceNames {
  private readonly units = new Map<string, Unit>();
  private readonly children = new Map<string, Children>();

  constructor(rows: readonly TreeRow[]) {
    for (const r of rows) {
      const u: Unit = { id: r.id, kind: r.kind as OrgKind, parentId: r.parent_id, universityId: r.university_id, name: r.name, floorLevel: r.floor_level, privacy: r.privacy };
      this.units.set(u.id, u);
      if (!u.parentId) continue;
      let c = this.children.get(u.parentId);
      if (!c) this.children.set(u.parentId, (c = { exact: new Map(), folded: new Map(), byLevel: new Map() }));
      push(c.exact, u.name.trim(), u);
      push(c.folded, fold(u.name), u);
      if (u.floorLevel !== null) push(c.byLevel, u.floorLevel, u);
    }
  }

  /** `universityId` null: every university (a city-wide export). */
  /** Every unit of the index by id: `OrgService.resolveLocation` resolves against these without a query. */
  get unitsById(): ReadonlyMap<string, UnitRef> {
    return this.units;
  }

  nameOf(id: string | null): string | null {
    return id ? (this.units.get(id)?.name ?? null) : null;
  }

  university(id: string): { id: string; name: string } | undefined {
    const u = this.units.get(id);
    return u?.kind === 'university' ? { id: u.id, name: u.name } : undefined;
  }

  /** Every place of a university as campus / building / floor / area name rows (the template's 位置 sheet). */
  paths(universityId: string): string[][] {
    const out: string[][] = [];
    const walk = (parentId: string, prefix: string[], depth: number) => {
      const kids = [...(this.children.get(parentId)?.exact.values() ?? [])].flat();
      kids.sort((a, b) => (a.floorLevel ?? 0) - (b.floorLevel ?? 0) || a.name.localeCompare(b.name, 'zh-CN'));
      for (const k of kids) {
        const path = [...prefix, k.name];
        out.push(path);
        if (depth < 3) walk(k.id, path, depth + 1);
      }
    };
    walk(universityId, [], 0);
    return out;
  }

  private find(parentId: string, level: PlaceLevel, name: string): Unit[] {
    const c = this.children.get(parentId);
    if (!c) return [];
    const ofKind = (list: Unit[] | undefined) => (list ?? []).filter((u) => u.kind === level);
    const exact = ofKind(c.exact.get(name));
    if (exact.length) return exact;
    const folded = ofKind(c.folded.get(fold(name)));
    if (folded.length) return folded;
    // A floor may be given by its level: 3, -1.
    if (level === 'floor' && /^[+-]?\d+$/.test(name.normalize('NFKC'))) return ofKind(c.byLevel.get(Number(name.normalize('NFKC'))));
    return [];
  }

  /** Names → ids within `universityId`; each problem names the column and the parent searched. */
  resolve(universityId: string, row: number, names: Record<PlaceLevel, string | null>): { place: ResolvedPlace; problems: ImportProblem[] } {
    const place: ResolvedPlace = { campusId: null, buildingId: null, floorId: null, areaId: null };
    const problems: ImportProblem[] = [];
    let parentId: string | null = universityId;
    let parentName = this.nameOf(universityId) ?? universityId;
    for (const [i, level] of LEVELS.entries()) {
      const name = names[level];
      if (!name) {
        parentId = null; // a lower level without this one is a hierarchy problem, below
        continue;
      }
      if (parentId === null) {
        const above = LEVELS[i - 1]!;
        // The level above was left empty (an empty campus is reported as required already).
        if (above !== 'campus') problems.push({ row, column: HEADER[level], field: FIELD[level], rule: 'hierarchy', reason: `needs the ${HEADER[above]} column filled in`, value: name, params: { parent: HEADER[above] } });
        break;
      }
      const found = this.find(parentId, level, name);
      if (found.length !== 1) {
        const rule = found.length ? 'placeAmbiguous' : 'place';
        const reason = found.length ? `${found.length} places named "${name}" in ${parentName}` : `no ${level} named "${name}" in ${parentName}`;
        problems.push({ row, column: HEADER[level], field: FIELD[level], rule, reason, value: name, params: { parent: parentName } });
        break;
      }
      place[FIELD[level]] = found[0]!.id;
      parentId = found[0]!.id;
      parentName = found[0]!.name;
    }
    return { place, problems };
  }
}
