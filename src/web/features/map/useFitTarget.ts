import { useMemo } from 'react';
import type { MapData } from '../../api/types.ts';
import { bboxOf, type BBox } from './geo-bounds.ts';

/**
 * What the map fits to: the selected building's footprint, else the selected campus (or all
 * campuses in view), else wherever the devices are. The key changes when the target does.
 */
export function useFitTarget(data: MapData | null, campusId?: string, buildingId?: string): { key: string; bbox: BBox | null } {
  return useMemo(() => {
    if (!data) return { key: 'none', bbox: null };
    const key = `${campusId ?? '*'}/${buildingId ?? '*'}/${data.campuses.features.length}/${data.devices.features.length}`;
    if (buildingId) {
      const building = data.buildings.features.filter((f) => f.properties.id === buildingId).map((f) => f.geometry);
      const inside = data.devices.features.filter((f) => f.properties.buildingId === buildingId).map((f) => f.geometry);
      const box = bboxOf(building.length ? building : inside);
      if (box) return { key, bbox: box };
    }
    const campuses = data.campuses.features.filter((f) => !campusId || f.properties.id === campusId).map((f) => f.geometry);
    return { key, bbox: bboxOf(campuses) ?? bboxOf(data.devices.features.map((f) => f.geometry)) };
  }, [data, campusId, buildingId]);
}
