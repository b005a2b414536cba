/** Vehicles and the gate (车辆与道闸): /api/vehicles, its on-campus summary and /api/gate-passages. */
import type { GateDecision, GatePassage, Vehicle, VehicleCreate, VehicleInput, VehicleList, VehiclePage, VehiclesOnCampus } from '../../shared/vehicles.ts';
import { http } from './client.ts';

export type { GatePassage, Vehicle, VehicleCreate, VehicleInput, VehiclePage, VehiclesOnCampus } from '../../shared/vehicles.ts';

export interface VehicleListQuery {
  page: number;
  pageSize: number;
  q?: string;
  list?: VehicleList;
  inside?: boolean;
  status?: 'active' | 'revoked';
}

export interface PassageQuery {
  plate?: string;
  decision?: GateDecision;
  limit?: number;
}

const id = (v: string) => encodeURIComponent(v);

export const vehiclesApi = {
  list: (q: VehicleListQuery, signal?: AbortSignal) => http.get<VehiclePage>('/api/vehicles', { ...q }, signal),
  onCampus: (signal?: AbortSignal) => http.get<VehiclesOnCampus>('/api/vehicles/on-campus', undefined, signal),
  create: (input: VehicleCreate) => http.post<Vehicle>('/api/vehicles', input),
  update: (vehicleId: string, input: VehicleInput) => http.put<Vehicle>(`/api/vehicles/${id(vehicleId)}`, input),
  /** Revoked, not deleted: the server keeps the entry so its passages stay explained. */
  revoke: (vehicleId: string) => http.delete(`/api/vehicles/${id(vehicleId)}`),
  approve: (vehicleId: string) => http.post<Vehicle>(`/api/vehicles/${id(vehicleId)}/approve`),
  passages: (q: PassageQuery, signal?: AbortSignal) => http.get<GatePassage[]>('/api/gate-passages', { ...q }, signal),
};
