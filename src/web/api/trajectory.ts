/** Trajectories (轨迹查询) and who is on campus: /api/trajectory. */
import type { Candidate, CandidateQuery, GateTraffic, OnCampus, Trajectory, TrajectoryQuery } from '../../shared/trajectory.ts';
import { http } from './client.ts';

export type { Candidate, GateTraffic, OnCampus, Sighting, Trajectory, TrajectoryQuery } from '../../shared/trajectory.ts';

export const trajectoryApi = {
  /** POST: the reason goes in the body (the server audits it with the subject and the period). */
  query: (q: TrajectoryQuery) => http.post<Trajectory>('/api/trajectory', q),
  // `universityId`: city-wide accounts only (the server answers others for their own university).
  candidates: (type: CandidateQuery['type'], q: string, universityId?: string, signal?: AbortSignal) => http.get<Candidate[]>('/api/trajectory/candidates', { type, q, universityId }, signal),
  onCampus: (universityId?: string, signal?: AbortSignal) => http.get<OnCampus>('/api/trajectory/on-campus', { universityId }, signal),
  gateTraffic: (date: string | undefined, universityId?: string, signal?: AbortSignal) => http.get<GateTraffic>('/api/trajectory/gate-traffic', { date, universityId }, signal),
};
