/** Recordings and video evidence: the calls the console makes (shapes from src/shared). */
import type { EvidenceClip, EvidenceExportInput } from '../../shared/evidence.ts';
import type { RecordingDay, SegmentList } from '../../shared/recordings.ts';
import type { TourGroup, TourGroupInput } from '../../shared/video-wall.ts';
import { http } from './client.ts';

const id = (value: string) => encodeURIComponent(value);

export const recordingsApi = {
  day: (deviceId: string, date: string) => http.get<RecordingDay>(`/api/recordings/${id(deviceId)}/days/${id(date)}`),
  segments: (deviceId: string, from: string, to: string) => http.get<SegmentList>(`/api/recordings/${id(deviceId)}/segments`, { from, to }),
};

export const evidenceApi = {
  ofAlarm: (alarmId: string) => http.get<{ items: EvidenceClip[] }>(`/api/alarms/${id(alarmId)}/evidence`),
  export: (alarmId: string, body: EvidenceExportInput) => http.post<{ items: EvidenceClip[] }>(`/api/alarms/${id(alarmId)}/evidence`, body),
};

export const tourGroupsApi = {
  list: (signal?: AbortSignal) => http.get<TourGroup[]>('/api/tour-groups', undefined, signal),
  create: (body: TourGroupInput) => http.post<TourGroup>('/api/tour-groups', body),
  remove: (groupId: string) => http.delete(`/api/tour-groups/${id(groupId)}`),
};
