/** 电子巡更: /api/patrol/* (console) and the guard's /api/my/patrol. */
import type { Checkpoint, CheckpointInput, CheckpointPage, CheckinResult, PatrolReport, PhoneCheckin, Route, RouteInput, RoutePage, Tour, TourPage } from '../../shared/patrol.ts';
import { http } from './client.ts';

export type { Checkpoint, CheckpointInput, CheckinResult, PatrolReport, ReportRow, Route, RouteInput, Tour, TourPoint } from '../../shared/patrol.ts';

const id = (v: string) => encodeURIComponent(v);

export const patrolApi = {
  checkpoints: (signal?: AbortSignal) => http.get<CheckpointPage>('/api/patrol/checkpoints', { pageSize: 500 }, signal),
  createCheckpoint: (input: CheckpointInput) => http.post<Checkpoint>('/api/patrol/checkpoints', input),
  updateCheckpoint: (checkpointId: string, input: CheckpointInput) => http.put<Checkpoint>(`/api/patrol/checkpoints/${id(checkpointId)}`, input),
  deleteCheckpoint: (checkpointId: string) => http.delete(`/api/patrol/checkpoints/${id(checkpointId)}`),
  routes: (signal?: AbortSignal) => http.get<RoutePage>('/api/patrol/routes', { pageSize: 200 }, signal),
  createRoute: (input: RouteInput) => http.post<Route>('/api/patrol/routes', input),
  updateRoute: (routeId: string, input: RouteInput) => http.put<Route>(`/api/patrol/routes/${id(routeId)}`, input),
  deleteRoute: (routeId: string) => http.delete(`/api/patrol/routes/${id(routeId)}`),
  tours: (date: string | undefined, signal?: AbortSignal) => http.get<TourPage>('/api/patrol/tours', { date, pageSize: 500 }, signal),
  report: (date: string | undefined, signal?: AbortSignal) => http.get<PatrolReport>('/api/patrol/report', { date }, signal),
  myTours: (signal?: AbortSignal) => http.get<Tour[]>('/api/my/patrol', undefined, signal),
  checkin: (c: PhoneCheckin) => http.post<CheckinResult>('/api/my/patrol/checkins', c),
};
