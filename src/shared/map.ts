/** GET /api/map: the GeoJSON layers a campus map draws, in one answer (map.service.ts). */
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { Type, type Static } from 'typebox';
import type { CameraResolution, DeviceKind, DeviceStatus, KeySiteCategory, PrivacyKind } from './domain.ts';

export interface CampusProps {
  id: string;
  name: string;
}
export interface BuildingProps {
  id: string;
  name: string;
  campusId: string;
  floors: number;
}
export interface AreaProps {
  id: string;
  name: string;
  privacy: PrivacyKind | null;
  floorId: string;
}
export interface KeySiteProps {
  id: string;
  name: string;
  category: KeySiteCategory;
  campusId?: string;
  buildingId?: string | null;
}
export interface DeviceProps {
  id: string;
  name: string;
  kind: DeviceKind;
  status: DeviceStatus;
  campusId?: string;
  buildingId: string | null;
  floorId: string | null;
  floorLevel: number | null;
  resolution: CameraResolution | null;
  bearingDeg: number | null;
  fovDeg: number | null;
  rangeM: number | null;
}
export type DeviceFeature = Feature<Point, DeviceProps>;

type Area = Polygon | MultiPolygon;

/**
 * A layer whose features are documented as GeoJSON and serialized as they are: a schema for
 * each feature would have the serializer check every nullable field of 10,000 devices.
 */
const Layer = <T extends FeatureCollection>() => Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Unsafe<T['features']>(Type.Array(Type.Unknown())) });

export const MapData = Type.Object({
  campuses: Layer<FeatureCollection<Area, CampusProps>>(),
  buildings: Layer<FeatureCollection<Area, BuildingProps>>(),
  areas: Layer<FeatureCollection<Area, AreaProps>>(),
  keySites: Layer<FeatureCollection<Area, KeySiteProps>>(),
  devices: Layer<FeatureCollection<Point, DeviceProps>>(),
});
export type MapData = Static<typeof MapData>;
