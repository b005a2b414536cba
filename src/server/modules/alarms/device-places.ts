import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { DeviceKind, KeySiteCategory } from '../../../shared/domain.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { CameraGeometry } from './camera-coverage.ts';

export interface DevicePlace {
  id: string;
  name: string;
  kind: DeviceKind;
  status: string;
  universityId: string;
  campusId: string;
  buildingId: string | null;
  floorId: string | null;
  lon: number | null;
  lat: number | null;
  /** Categories of the key sites whose polygon holds the device. */
  keySiteCategories: KeySiteCategory[];
}

interface UniversityPlaces {
  devices: Map<string, DevicePlace>;
  cameras: CameraGeometry[];
}

/**
 * Where every device of a university is, what key sites it lies in, and the camera geometry:
 * what linkage needs per event, loaded once per university and dropped on any ledger change.
 */
export class DevicePlaces {
  private readonly byUniversity = new Map<string, Promise<UniversityPlaces>>();

  constructor(
    private readonly ledger: Pick<DevicesService, 'ofUniversity'>,
    private readonly org: Pick<OrgService, 'keySitesOf'>,
    bus: Bus,
  ) {
    bus.subscribe('ledger.device_changed', () => this.byUniversity.clear());
    // A reshaped key site changes which devices lie inside it, and so the scope of key-site rules.
    bus.subscribe('org.key_site_changed', ({ universityId }) => this.byUniversity.delete(universityId));
  }

  private load(universityId: string): Promise<UniversityPlaces> {
    let p = this.byUniversity.get(universityId);
    if (!p) {
      p = this.read(universityId);
      this.byUniversity.set(universityId, p);
      p.catch(() => this.byUniversity.delete(universityId));
    }
    return p;
  }

  private async read(universityId: string): Promise<UniversityPlaces> {
    const [rows, sites] = await Promise.all([this.ledger.ofUniversity(universityId), this.org.keySitesOf(universityId)]);
    const devices = new Map<string, DevicePlace>();
    const cameras: CameraGeometry[] = [];
    for (const r of rows) {
      const categories: KeySiteCategory[] = [];
      if (r.lon !== null && r.lat !== null) {
        for (const s of sites) if (!categories.includes(s.category) && booleanPointInPolygon([r.lon, r.lat], s.geometry)) categories.push(s.category);
      }
      devices.set(r.id, {
        id: r.id,
        name: r.name,
        kind: r.kind,
        status: r.status,
        universityId: r.universityId,
        campusId: r.campusId,
        buildingId: r.buildingId,
        floorId: r.floorId,
        lon: r.lon,
        lat: r.lat,
        keySiteCategories: categories,
      });
      if ((r.kind === 'camera' || r.kind === 'lpr_camera') && r.lon !== null && r.lat !== null) {
        cameras.push({
          id: r.id,
          name: r.name,
          lon: r.lon,
          lat: r.lat,
          bearingDeg: r.camera?.bearingDeg ?? null,
          fovDeg: r.camera?.fovDeg ?? null,
          rangeM: r.camera?.rangeM ?? null,
          ptz: r.camera?.type === 'ptz',
          floorId: r.floorId,
          status: r.status,
        });
      }
    }
    return { devices, cameras };
  }

  async device(universityId: string, deviceId: string): Promise<DevicePlace | undefined> {
    return (await this.load(universityId)).devices.get(deviceId);
  }

  async devices(universityId: string): Promise<DevicePlace[]> {
    return [...(await this.load(universityId)).devices.values()];
  }

  async cameras(universityId: string): Promise<CameraGeometry[]> {
    return (await this.load(universityId)).cameras;
  }

  /** Doors for a door command: in the device's building or campus. */
  async doors(universityId: string, where: { buildingId?: string | null; campusId?: string }): Promise<DevicePlace[]> {
    const all = [...(await this.load(universityId)).devices.values()];
    return all.filter((d) => d.kind === 'door' && d.status === 'in_service' && (where.buildingId ? d.buildingId === where.buildingId : d.campusId === where.campusId));
  }
}
