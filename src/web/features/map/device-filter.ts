import type { ExpressionSpecification } from 'maplibre-gl';
import type { DeviceKind, DeviceStatus } from '../../../shared/domain.ts';
import type { DeviceProps } from '../../api/types.ts';
import type { HealthState } from '../device-health/health-store.ts';

/** A device on the map: its ledger properties and, once known, its online state. */
export type MapDeviceProps = DeviceProps & { health?: HealthState };

/** What the map shows; empty lists mean "all". */
export interface DeviceFilter {
  kinds: DeviceKind[];
  statuses: DeviceStatus[];
  /** Online states to show (empty: all). Applies once the states are loaded. */
  healths: HealthState[];
  /** Only this building's devices (the sidebar picked a building or a floor). */
  buildingId?: string;
  /** Indoor devices (with a floor) only on this level; devices without a floor always show. */
  floorLevel: number | 'all';
}

/**
 * Whether the map shows a device: the devices source holds only these (clusters must count
 * only shown devices), and the count and camera cones use it too. `health` is the device's
 * online state when it is not stamped on `p`; unknown before the states are loaded (then shown).
 */
export function deviceVisible(p: MapDeviceProps, f: DeviceFilter, health: HealthState | undefined = p.health): boolean {
  if (f.kinds.length && !f.kinds.includes(p.kind)) return false;
  if (f.statuses.length && !f.statuses.includes(p.status)) return false;
  if (f.healths.length && health && !f.healths.includes(health)) return false;
  if (f.buildingId && p.buildingId !== f.buildingId) return false;
  if (p.floorId && f.floorLevel !== 'all' && p.floorLevel !== f.floorLevel) return false;
  return true;
}

/** Areas (rooms, zones) belong to a floor: show them with their floor, like indoor devices. */
export function areaFilterExpression(f: DeviceFilter): ExpressionSpecification {
  const parts: ExpressionSpecification[] = [];
  if (f.buildingId) parts.push(['==', ['get', 'buildingId'], f.buildingId]);
  if (f.floorLevel !== 'all') parts.push(['==', ['get', 'floorLevel'], f.floorLevel]);
  return ['all', true, ...parts];
}
