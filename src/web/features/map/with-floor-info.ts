import type { OrgIndex } from '../../app/org-index.ts';
import type { MapData } from '../../api/types.ts';

/** Areas carry only their floor id: add the floor's level and building so they filter like devices. */
export function withFloorInfo(data: MapData, index: OrgIndex): MapData {
  return {
    ...data,
    areas: {
      ...data.areas,
      features: data.areas.features.map((f) => {
        const floor = index.get(f.properties.floorId);
        return { ...f, properties: { ...f.properties, floorLevel: floor?.floorLevel ?? null, buildingId: floor?.parentId ?? null } };
      }),
    },
  };
}
