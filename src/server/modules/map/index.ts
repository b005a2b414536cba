/** Campus map (地图): places, key sites and devices as GeoJSON layers in one call. */
import type { DevicesService } from '../devices/index.ts';
import type { ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { mapRoutes } from './map.routes.ts';
import { MapService } from './map.service.ts';

export { MapService } from './map.service.ts';

export function createMapModule(d: { org: OrgService; devices: DevicesService }) {
  const map = new MapService(d.org, d.devices);
  const face: ModuleFace = { name: 'map', tables: [], routes: (app) => mapRoutes(app, map) };
  return { face, map };
}
