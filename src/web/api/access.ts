/** Door permissions (门禁权限): /api/access/groups, /api/access/doors and the 模拟刷卡 check. */
import type { AccessCheck, AccessCheckResult, AccessDoor, AccessDoorSettings, AccessGroup, AccessGroupCreate, AccessGroupInput } from '../../shared/access-control.ts';
import { http } from './client.ts';

export type { AccessCheck, AccessCheckResult, AccessDoor, AccessDoorSettings, AccessGroup, AccessGroupCreate, AccessGroupInput } from '../../shared/access-control.ts';

const id = (v: string) => encodeURIComponent(v);

export const accessApi = {
  groups: (universityId: string | undefined, signal?: AbortSignal) => http.get<AccessGroup[]>('/api/access/groups', { universityId }, signal),
  createGroup: (input: AccessGroupCreate) => http.post<AccessGroup>('/api/access/groups', input),
  updateGroup: (groupId: string, input: AccessGroupInput) => http.put<AccessGroup>(`/api/access/groups/${id(groupId)}`, input),
  deleteGroup: (groupId: string) => http.delete(`/api/access/groups/${id(groupId)}`),
  doors: (universityId: string | undefined, signal?: AbortSignal) => http.get<AccessDoor[]>('/api/access/doors', { universityId }, signal),
  setDoor: (doorId: string, input: AccessDoorSettings) => http.put<AccessDoor>(`/api/access/doors/${id(doorId)}`, input),
  pushList: (doorId: string) => http.post<AccessDoor>(`/api/access/doors/${id(doorId)}/push`),
  check: (q: AccessCheck) => http.post<AccessCheckResult>('/api/access/check', q),
};
