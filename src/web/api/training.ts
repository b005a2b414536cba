/** Training and drills (培训与演练): sessions with attendance, yearly records, drills and their results. */
import type { Drill, DrillStartInput, PersonTraining, TrainingRecords, TrainingSession, TrainingSessionInput } from '../../shared/training.ts';
import { http } from './client.ts';

export type { Drill, DrillResult, PersonTraining, TrainingRecordLine, TrainingRecords, TrainingSession, TrainingSessionInput } from '../../shared/training.ts';

const id = (v: string) => encodeURIComponent(v);

export const trainingApi = {
  sessions: (q: { year: number; universityId?: string }, signal?: AbortSignal) => http.get<TrainingSession[]>('/api/training/sessions', q, signal),
  createSession: (input: TrainingSessionInput) => http.post<TrainingSession>('/api/training/sessions', input),
  updateSession: (sessionId: string, input: TrainingSessionInput) => http.put<TrainingSession>(`/api/training/sessions/${id(sessionId)}`, input),
  removeSession: (sessionId: string) => http.delete(`/api/training/sessions/${id(sessionId)}`),
  records: (q: { year: number; universityId?: string }, signal?: AbortSignal) => http.get<TrainingRecords>('/api/training/records', q, signal),
  person: (accountId: string, year: number, signal?: AbortSignal) => http.get<PersonTraining>(`/api/training/records/${id(accountId)}`, { year }, signal),
  drills: (universityId: string | undefined, signal?: AbortSignal) => http.get<Drill[]>('/api/training/drills', { universityId }, signal),
  drill: (drillId: string, signal?: AbortSignal) => http.get<Drill>(`/api/training/drills/${id(drillId)}`, undefined, signal),
  startDrill: (input: DrillStartInput) => http.post<Drill>('/api/training/drills', input),
  finishDrill: (drillId: string) => http.post<Drill>(`/api/training/drills/${id(drillId)}/finish`, {}),
};
