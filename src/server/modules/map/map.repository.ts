import { readJson } from '../../store/database.ts';
import type { Db } from '../audit/audit.repository.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';

/** Read-only projection of places and devices for drawing a campus map. */
export class MapRepository {
  async units(db: Db, universityId: string | null, campusId: string | undefined) {
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

  async keySites(db: Db, universityId: string | null, campusId: string | undefined) {
    let q = db.selectFrom('key_sites').select(['id', 'name', 'category', 'campus_id', 'building_id', 'geometry']);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    if (campusId) q = q.where('campus_id', '=', campusId);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, geometry: readJson<AreaGeometry>(r.geometry) }));
  }

  async devices(db: Db, universityId: string | null, campusId: string | undefined) {
    let q = db
      .selectFrom('devices')
      .select(['id', 'name', 'kind', 'status', 'campus_id', 'building_id', 'floor_id', 'lon', 'lat', 'camera_resolution', 'bearing_deg', 'fov_deg', 'range_m'])
      .where('lon', 'is not', null)
      .where('lat', 'is not', null);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    if (campusId) q = q.where('campus_id', '=', campusId);
    return q.execute();
  }
}
