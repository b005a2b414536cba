import { type Actor, inScope, listScope } from '../../http/policy.ts';
import { invalidField } from '../../http/errors.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';

interface Feature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: Record<string, unknown>;
}
const collection = (features: Feature[]) => ({ type: 'FeatureCollection' as const, features });

/**
 * Everything a campus map draws, as GeoJSON layers, in one call: the browser draws 10,000
 * devices from one response instead of paging the ledger.
 */
export class MapService {
  constructor(
    private readonly org: Pick<OrgService, 'mapLayers'>,
    private readonly ledger: Pick<DevicesService, 'mapPoints'>,
  ) {}

  async layers(actor: Actor, q: { universityId?: string; campusId?: string }) {
    const universityId = listScope(actor, q.universityId);
    const [[units, sites], devices] = await Promise.all([this.org.mapLayers(universityId, q.campusId), this.ledger.mapPoints(universityId, q.campusId)]);
    if (q.campusId && !units.some((u) => u.id === q.campusId && u.kind === 'campus' && inScope(actor, u.university_id))) {
      throw invalidField('campusId', 'no such campus');
    }
    const floorsOf = new Map<string, number>();
    const floorLevel = new Map<string, number | null>();
    for (const u of units) {
      if (u.kind !== 'floor') continue;
      floorLevel.set(u.id, u.floor_level);
      if (u.parent_id) floorsOf.set(u.parent_id, (floorsOf.get(u.parent_id) ?? 0) + 1);
    }
    const withGeometry = (kind: string) => units.filter((u) => u.kind === kind && u.geometry);
    return {
      campuses: collection(withGeometry('campus').map((u) => ({ type: 'Feature', id: u.id, geometry: u.geometry, properties: { id: u.id, name: u.name } }))),
      buildings: collection(
        withGeometry('building').map((u) => ({ type: 'Feature', id: u.id, geometry: u.geometry, properties: { id: u.id, name: u.name, campusId: u.parent_id, floors: floorsOf.get(u.id) ?? 0 } })),
      ),
      areas: collection(withGeometry('area').map((u) => ({ type: 'Feature', id: u.id, geometry: u.geometry, properties: { id: u.id, name: u.name, privacy: u.privacy, floorId: u.parent_id } }))),
      keySites: collection(sites.map((s) => ({ type: 'Feature', id: s.id, geometry: s.geometry, properties: { id: s.id, name: s.name, category: s.category, campusId: s.campus_id, buildingId: s.building_id } }))),
      devices: collection(
        devices.map((d) => ({
          type: 'Feature',
          id: d.id,
          geometry: { type: 'Point', coordinates: [d.lon, d.lat] },
          properties: {
            id: d.id,
            name: d.name,
            kind: d.kind,
            status: d.status,
            campusId: d.campus_id,
            buildingId: d.building_id,
            floorId: d.floor_id,
            floorLevel: d.floor_id ? (floorLevel.get(d.floor_id) ?? null) : null,
            resolution: d.camera_resolution,
            bearingDeg: d.bearing_deg,
            fovDeg: d.fov_deg,
            rangeM: d.range_m,
          },
        })),
      ),
    };
  }
}
