/** Trajectories (轨迹查询) and who is on campus: /api/trajectory. */
import type { Candidate, GateTraffic, OnCampus, Trajectory, TrajectoryQuery } from '../../shared/trajectory.ts';
import { http } from './client.ts';

export type { Candidate, GateTraffic, OnCampus, Sighting, Trajectory, TrajectoryQuery } from '../../shared/trajectory.ts';

export const trajectoryApi = {
  /** POST: the reason goes in the body (the server audits it with the subject and the period). */
  query: (q: TrajectoryQuery) => http.post<Trajectory>('/api/trajectory', q),
  candidates: (type: 'person' | 'plate', q: string, signal?: AbortSignal) => http.get<Candidate[]>('/api/trajectory/candidates', { type, q }, signal),
  onCampus: (signal?: AbortSignal) => http.get<OnCampus>('/api/trajectory/on-campus', undefined, signal),
  gateTraffic: (date: string | undefined, signal?: AbortSignal) => http.get<GateTraffic>('/api/trajectory/gate-traffic', { date }, signal),
};
