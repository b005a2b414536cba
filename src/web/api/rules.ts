/**
 * Calls of the linkage-rule editor (联动规则) and the school calendar (校历). The shapes are the
 * server's, from src/shared, except the dry run's, which the API documents as any JSON.
 */
import type { AlarmRule, LinkedCameraT, NearestGuard, RuleDefinitionT, RulesExport } from '../../shared/alarms.ts';
import type { CalendarDay, CalendarDayKind, CalendarImport, CalendarImportResult, CalendarMark } from '../../shared/calendar.ts';
import type { EventKind } from '../../shared/events.ts';
import { http, request } from './client.ts';

export type { AlarmRule, CalendarDay, CalendarDayKind, RuleDefinitionT, RulesExport };

/** One action of POST /api/alarm-rules/:id/dry-run, which the API documents as any JSON. */
export interface DryRunAction {
  type: string;
  would: string;
  cameras?: LinkedCameraT[];
  doors?: { id: string; name: string }[];
  guards?: NearestGuard[];
}

export interface DryRunResult {
  rule: { id: string; name: string; version: number };
  device: { id: string; name: string; kind: string; keySiteCategories: string[] };
  kind: EventKind;
  at: string;
  checks: { kindMatches: boolean; scopeMatches: boolean; armed: boolean };
  fires: boolean;
  actions: DryRunAction[];
}

const id = (value: string) => encodeURIComponent(value);

export const rulesApi = {
  list: (universityId?: string, signal?: AbortSignal) => http.get<AlarmRule[]>('/api/alarm-rules', { universityId }, signal),
  get: (ruleId: string) => http.get<AlarmRule>(`/api/alarm-rules/${id(ruleId)}`),
  create: (definition: unknown, universityId?: string) => http.post<AlarmRule>('/api/alarm-rules', { universityId, definition }),
  update: (ruleId: string, definition: unknown) => http.put<AlarmRule>(`/api/alarm-rules/${id(ruleId)}`, { definition }),
  remove: (ruleId: string) => http.delete(`/api/alarm-rules/${id(ruleId)}`),
  exportRules: (universityId?: string) => http.get<RulesExport>('/api/alarm-rules/export', { universityId }),
  importRules: (rules: unknown[], universityId?: string) => http.post<AlarmRule[]>('/api/alarm-rules/import', { universityId, rules }),
  dryRun: (ruleId: string, body: { deviceId: string; kind?: EventKind; at?: string }) => http.post<DryRunResult>(`/api/alarm-rules/${id(ruleId)}/dry-run`, body),
};

export const calendarApi = {
  list: (q: { from?: string; to?: string; universityId?: string }, signal?: AbortSignal) => http.get<CalendarDay[]>('/api/calendar-days', q, signal),
  mark: (date: string, body: CalendarMark) => http.put<CalendarDay>(`/api/calendar-days/${id(date)}`, body),
  unmark: (date: string, universityId?: string) => request<void>('DELETE', `/api/calendar-days/${id(date)}`, { query: { universityId } }),
  importDays: (body: CalendarImport) => http.post<CalendarImportResult>('/api/calendar-days/import', body),
};
