/**
 * Calls of alarm handling (报警处置): the operator's queue and case file, and the guard's phone
 * page. The shapes are the server's, from src/shared, except the parts of the case file below.
 */
import { ALARM_STATES, type AlarmLogEntry, type AlarmPhoto, type AlarmState, type AlarmStep, type AlarmType, type AlarmViewT, type Dispatch, type LinkedCameraT, type NearestGuard, type SopInput, type SopStep, type UploadedPhoto } from '../../shared/alarms.ts';
import type { DeviceEvent } from '../../shared/events.ts';
import type { Page } from '../../shared/schema.ts';
import { ApiError, http } from './client.ts';

export type { AlarmLogEntry, AlarmPhoto, AlarmState, AlarmStep, AlarmType, Dispatch, DispatchState, NearestGuard, SopInput, SopStep } from '../../shared/alarms.ts';

export type LinkedCamera = LinkedCameraT;
export type Alarm = AlarmViewT;

// Parts of answers the API documents as any JSON (the case file's rule runs and actions;
// a guard's dispatches with their alarm), so their shapes are written out here.

export interface RuleActionTrace {
  type: string;
  status: string;
  detail?: string;
  /** Key under alarms.traceDetail; traces written before codes existed have only `detail`. */
  code?: string;
  params?: Record<string, string | number>;
}

export interface RuleRun {
  ruleId: string;
  eventId: string;
  at: string;
  trace: {
    rule?: { id: string; name: string; version: number };
    event?: { id: string; kind: string; deviceId: string; occurredAt: string };
    armed?: boolean;
    count?: number;
    outcome?: string;
    actions?: RuleActionTrace[];
  } | null;
}

export interface AlarmAction {
  id: string;
  action: { type: string; [key: string]: unknown };
  status: string;
  result: unknown;
  createdAt: string;
  doneAt: string | null;
}

export interface AlarmRecord {
  alarm: Alarm;
  /** 案件编号 YYYY-MMDD-NNNN. */
  caseNo: string;
  /** 按值班分派: the operators on shift and the duty leader it went to; null: no published roster when it was raised. */
  routedTo: { operators: { id: string; name: string }[]; leaders: { id: string; name: string }[] } | null;
  sop: SopStep[];
  photos: AlarmPhoto[];
  dispatches: Dispatch[];
  events: DeviceEvent[];
  log: AlarmLogEntry[];
  ruleRuns: RuleRun[];
  actions: AlarmAction[];
}

export interface MyDispatch extends Dispatch {
  /** `drillId`: a drill's alarm (演练), shown as such on the guard's phone. */
  alarm: { title: string; type: AlarmType; priority: number; lon: number | null; lat: number | null; state: AlarmState; drillId?: string | null };
}

const id = (value: string) => encodeURIComponent(value);

/** Photos go up as the raw image body with its own content type (what a phone camera gives). */
async function uploadRaw(path: string, file: Blob): Promise<UploadedPhoto> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': file.type || 'image/jpeg', accept: 'application/json' }, body: file, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  const payload = (await res.json().catch(() => undefined)) as { code?: string; message?: string; details?: [] } | undefined;
  if (!res.ok) throw new ApiError(res.status, (payload?.code as ApiError['code']) ?? 'UNKNOWN', payload?.message ?? res.statusText, payload?.details ?? []);
  return payload as UploadedPhoto;
}

/** States an operator still works on: the open ones and resolved (waiting to be closed). */
export const WORKING_STATES: readonly AlarmState[] = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved'];

export const alarmsApi = {
  /** `routedToMe`: 按值班分派, only alarms routed to me on shift (and those routed to nobody in particular). */
  queue: (signal?: AbortSignal, routedToMe = false) => http.get<Page<Alarm>>('/api/alarms', { state: WORKING_STATES, pageSize: 200, ...(routedToMe ? { routedToMe: true } : {}) }, signal),
  /** Every alarm a camera raised or was linked to in a time span, whatever its state (markers on its playback timeline). */
  ofCamera: (cameraId: string, from: string, to: string, signal?: AbortSignal) => http.get<Page<Alarm>>('/api/alarms', { cameraId, from, to, state: ALARM_STATES, pageSize: 200 }, signal),
  record: (alarmId: string, signal?: AbortSignal) => http.get<AlarmRecord>(`/api/alarms/${id(alarmId)}`, undefined, signal),
  step: (alarmId: string, step: AlarmStep, note?: string) => http.post<Alarm>(`/api/alarms/${id(alarmId)}/steps`, { step, ...(note ? { note } : {}) }),
  reset: (alarmId: string, note: string) => http.post<Alarm>(`/api/alarms/${id(alarmId)}/reset`, { note }),
  note: (alarmId: string, note: string) => http.post<void>(`/api/alarms/${id(alarmId)}/notes`, { note }),
  sop: (alarmId: string, key: string, input: SopInput) => http.post<SopStep[]>(`/api/alarms/${id(alarmId)}/sop/${id(key)}`, input),
  uploadPhoto: (alarmId: string, file: Blob) => uploadRaw(`/api/alarms/${id(alarmId)}/photos`, file),
  photoUrl: (alarmId: string, photoId: string) => `/api/alarms/${id(alarmId)}/photos/${id(photoId)}`,
  dispatch: (alarmId: string, body: { guardIds?: string[]; count?: number }) => http.post<Dispatch[]>(`/api/alarms/${id(alarmId)}/dispatches`, body),
  nearestGuards: (alarmId: string) => http.get<NearestGuard[]>(`/api/alarms/${id(alarmId)}/nearest-guards`),
};

import type { GuardStep } from '../../shared/alarms.ts';
export type { GuardStep };

export const guardApi = {
  dispatches: (signal?: AbortSignal) => http.get<MyDispatch[]>('/api/my/dispatches', undefined, signal),
  step: (dispatchId: string, step: GuardStep, note?: string) => http.post<Dispatch>(`/api/my/dispatches/${id(dispatchId)}/steps`, { step, ...(note ? { note } : {}) }),
  sop: (dispatchId: string) => http.get<SopStep[]>(`/api/my/dispatches/${id(dispatchId)}/sop`),
  completeSop: (dispatchId: string, key: string, input: SopInput) => http.post<SopStep[]>(`/api/my/dispatches/${id(dispatchId)}/sop/${id(key)}`, input),
  uploadPhoto: (dispatchId: string, file: Blob) => uploadRaw(`/api/my/dispatches/${id(dispatchId)}/photos`, file),
  position: (p: { lon: number; lat: number; accuracyM?: number }) => http.post<void>('/api/my/position', p),
};
