import type { Selectable } from 'kysely';
import type { KeySiteCategory, OrgKind, PrivacyKind } from '../../../shared/domain.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import type { KeySite, OrgUnit } from '../../../shared/org.ts';
import { containsInsensitive, readJson, writeJson, type Dialect } from '../../store/database.ts';
import type { KeySiteTable, OrgUnitTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'org'>;

export type { KeySite, OrgUnit };

const toUnit = (r: Selectable<OrgUnitTable>): OrgUnit => ({
  id: r.id,
  kind: r.kind as OrgKind,
  parentId: r.parent_id,
  universityId: r.university_id,
  name: r.name,
  code: r.code,
  floorLevel: r.floor_level,
  privacy: r.privacy as PrivacyKind | null,
  population: r.population,
  address: r.address,
  lon: r.lon,
  lat: r.lat,
  geometry: r.geometry === null ? null : readJson<AreaGeometry>(r.geometry),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const fromUnit = (u: OrgUnit): Selectable<OrgUnitTable> => ({
  id: u.id,
  kind: u.kind,
  parent_id: u.parentId,
  university_id: u.universityId,
  name: u.name,
  code: u.code,
  floor_level: u.floorLevel,
  privacy: u.privacy,
  population: u.population,
  address: u.address,
  lon: u.lon,
  lat: u.lat,
  geometry: u.geometry === null ? null : writeJson(u.geometry),
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

const toSite = (r: Selectable<KeySiteTable>): KeySite => ({
  id: r.id,
  universityId: r.university_id,
  campusId: r.campus_id,
  buildingId: r.building_id,
  floorIds: r.floor_ids === null ? [] : readJson<string[]>(r.floor_ids),
  name: r.name,
  category: r.category as KeySiteCategory,
  geometry: readJson<AreaGeometry>(r.geometry),
  notes: r.notes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const fromSite = (s: KeySite): Selectable<KeySiteTable> => ({
  id: s.id,
  university_id: s.universityId,
  campus_id: s.campusId,
  building_id: s.buildingId,
  floor_ids: s.floorIds.length ? writeJson(s.floorIds) : null,
  name: s.name,
  category: s.category,
  geometry: writeJson(s.geometry),
  notes: s.notes,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

export interface UnitQuery {
  universityId: string | null;
  kind?: OrgKind;
  parentId?: string;
  q?: string;
  page: number;
  pageSize: number;
}

export interface KeySiteQuery {
  universityId: string | null;
  campusId?: string;
  buildingId?: string;
  category?: KeySiteCategory;
  q?: string;
  page: number;
  pageSize: number;
}

export class OrgRepository {
  constructor(private readonly dialect: Dialect) {}

  async findUnit(db: Db, id: string): Promise<OrgUnit | undefined> {
    const r = await db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUnit(r);
  }

  async findUnitsByIds(db: Db, ids: string[]): Promise<OrgUnit[]> {
    const out: OrgUnit[] = [];
    // In chunks that stay below any bind-parameter limit.
    for (let i = 0; i < ids.length; i += 500) out.push(...(await db.selectFrom('org_units').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute()).map(toUnit));
    return out;
  }

  async universityIds(db: Db): Promise<string[]> {
    return (await db.selectFrom('org_units').select('id').where('kind', '=', 'university').execute()).map((r) => r.id);
  }

  async findCommission(db: Db): Promise<OrgUnit | undefined> {
    const r = await db.selectFrom('org_units').selectAll().where('kind', '=', 'commission').executeTakeFirst();
    return r && toUnit(r);
  }

  async listUnits(db: Db, q: UnitQuery): Promise<{ items: OrgUnit[]; total: number }> {
    let query = db.selectFrom('org_units');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.parentId) query = query.where('parent_id', '=', q.parentId);
    if (q.q) {
      const needle = q.q;
      query = query.where((eb) => containsInsensitive(this.dialect, eb.ref('name'), needle));
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('kind')
      .orderBy('floor_level')
      .orderBy('name')
      .orderBy('id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { total: Number(total), items: rows.map(toUnit) };
  }

  /** Light rows (no geometry) of a whole university, or all universities, for the tree. */
  async listTreeRows(db: Db, universityId: string | null) {
    let query = db.selectFrom('org_units').select(['id', 'kind', 'parent_id', 'university_id', 'name', 'floor_level', 'privacy']);
    if (universityId !== null) query = query.where((eb) => eb.or([eb('university_id', '=', universityId), eb('kind', '=', 'commission')]));
    return query.orderBy('floor_level').orderBy('name').execute();
  }

  async insertUnit(db: Db, u: OrgUnit) {
    await db.insertInto('org_units').values(fromUnit(u)).execute();
  }

  async updateUnit(db: Db, u: OrgUnit) {
    const { id: _id, ...rest } = fromUnit(u);
    await db.updateTable('org_units').set(rest).where('id', '=', u.id).execute();
  }

  async deleteUnit(db: Db, id: string) {
    await db.deleteFrom('org_units').where('id', '=', id).execute();
  }

  /** Org units and key sites that still point at an org unit (other modules count their own). */
  async countDependents(db: Db, id: string): Promise<{ children: number; keySites: number }> {
    const count = async (p: Promise<{ n: number | string | bigint }>) => Number((await p).n);
    const children = await count(db.selectFrom('org_units').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', id).executeTakeFirstOrThrow());
    const keySites = await count(
      db
        .selectFrom('key_sites')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.or([eb('campus_id', '=', id), eb('building_id', '=', id)]))
        .executeTakeFirstOrThrow(),
    );
    return { children, keySites };
  }

  async findUniversityByName(db: Db, name: string): Promise<OrgUnit | undefined> {
    const r = await db.selectFrom('org_units').selectAll().where('kind', '=', 'university').where('name', '=', name).executeTakeFirst();
    return r && toUnit(r);
  }

  /** Places with their outlines for a campus map (no commission or university rows). */
  async mapUnits(db: Db, universityId: string | null, campusId: string | undefined) {
    let q = db
      .selectFrom('org_units')
      .select(['id', 'kind', 'parent_id', 'name', 'floor_level', 'privacy', 'geometry', 'university_id'])
      .where('kind', 'in', ['campus', 'building', 'floor', 'area']);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    const rows = await q.execute();
    const parsed = rows.map((r) => ({ ...r, geometry: r.geometry === null ? null : readJson<AreaGeometry>(r.geometry) }));
    if (!campusId) return parsed;
    // Keep only the campus and what lies under it.
    const keep = new Set([campusId]);
    for (const kind of ['building', 'floor', 'area']) for (const r of parsed) if (r.kind === kind && r.parent_id && keep.has(r.parent_id)) keep.add(r.id);
    return parsed.filter((r) => keep.has(r.id));
  }

  /** Key sites with their outlines for a campus map. */
  async mapKeySites(db: Db, universityId: string | null, campusId: string | undefined) {
    let q = db.selectFrom('key_sites').select(['id', 'name', 'category', 'campus_id', 'building_id', 'geometry']);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    if (campusId) q = q.where('campus_id', '=', campusId);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, geometry: readJson<AreaGeometry>(r.geometry) }));
  }

  /** Every key site of a university, whole (alarm linkage tests which devices lie inside). */
  async keySitesOf(db: Db, universityId: string): Promise<KeySite[]> {
    return (await db.selectFrom('key_sites').selectAll().where('university_id', '=', universityId).execute()).map(toSite);
  }

  async findKeySite(db: Db, id: string): Promise<KeySite | undefined> {
    const r = await db.selectFrom('key_sites').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSite(r);
  }

  async listKeySites(db: Db, q: KeySiteQuery): Promise<{ items: KeySite[]; total: number }> {
    let query = db.selectFrom('key_sites');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.campusId) query = query.where('campus_id', '=', q.campusId);
    if (q.buildingId) query = query.where('building_id', '=', q.buildingId);
    if (q.category) query = query.where('category', '=', q.category);
    if (q.q) {
      const needle = q.q;
      query = query.where((eb) => containsInsensitive(this.dialect, eb.ref('name'), needle));
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('category').orderBy('name').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
    return { total: Number(total), items: rows.map(toSite) };
  }

  async insertKeySite(db: Db, s: KeySite) {
    await db.insertInto('key_sites').values(fromSite(s)).execute();
  }

  async updateKeySite(db: Db, s: KeySite) {
    const { id: _id, ...rest } = fromSite(s);
    await db.updateTable('key_sites').set(rest).where('id', '=', s.id).execute();
  }

  async deleteKeySite(db: Db, id: string) {
    await db.deleteFrom('key_sites').where('id', '=', id).execute();
  }

  /** Bulk insert in chunks (demo seed, imports); parents must come before their children. */
  async insertUnits(db: Db, units: OrgUnit[]) {
    for (let i = 0; i < units.length; i += 400) await db.insertInto('org_units').values(units.slice(i, i + 400).map(fromUnit)).execute();
  }

  /** Bulk insert of key sites in chunks. */
  async insertKeySites(db: Db, sites: KeySite[]) {
    for (let i = 0; i < sites.length; i += 400) await db.insertInto('key_sites').values(sites.slice(i, i + 400).map(fromSite)).execute();
  }
}
