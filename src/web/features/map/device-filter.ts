import type { ExpressionSpecification } from 'maplibre-gl';
import type { DeviceKind, DeviceStatus } from '../../../shared/domain.ts';
import type { DeviceProps } from '../../api/types.ts';

/** What the map shows; empty lists mean "all". */
export interface DeviceFilter {
  kinds: DeviceKind[];
  statuses: DeviceStatus[];
  /** Only this building's devices (the sidebar picked a building or a floor). */
  buildingId?: string;
  /** Indoor devices (with a floor) only on this level; devices without a floor always show. */
  floorLevel: number | 'all';
}

/** The filter as a plain predicate (device count, camera cones). Same rules as {@link deviceFilterExpression}. */
export function deviceVisible(p: DeviceProps, f: DeviceFilter): boolean {
  if (f.kinds.length && !f.kinds.includes(p.kind)) return false;
  if (f.statuses.length && !f.statuses.includes(p.status)) return false;
  if (f.buildingId && p.buildingId !== f.buildingId) return false;
  if (p.floorId && f.floorLevel !== 'all' && p.floorLevel !== f.floorLevel) return false;
  return true;
}

/** The filter as a MapLibre expression: filtering on the GPU side beats re-sending 10,000 points. */
export function deviceFilterExpression(f: DeviceFilter): ExpressionSpecification {
  const parts: ExpressionSpecification[] = [];
  if (f.kinds.length) parts.push(['in', ['get', 'kind'], ['literal', f.kinds]]);
  if (f.statuses.length) parts.push(['in', ['get', 'status'], ['literal', f.statuses]]);
  if (f.buildingId) parts.push(['==', ['get', 'buildingId'], f.buildingId]);
  if (f.floorLevel !== 'all') parts.push(['any', ['!', ['to-boolean', ['get', 'floorId']]], ['==', ['get', 'floorLevel'], f.floorLevel]]);
  return ['all', true, ...parts];
}

/** Areas (rooms, zones) belong to a floor: show them with their floor, like indoor devices. */
export function areaFilterExpression(f: DeviceFilter): ExpressionSpecification {
  const parts: ExpressionSpecification[] = [];
  if (f.buildingId) parts.push(['==', ['get', 'buildingId'], f.buildingId]);
  if (f.floorLevel !== 'all') parts.push(['==', ['get', 'floorLevel'], f.floorLevel]);
  return ['all', true, ...parts];
}
