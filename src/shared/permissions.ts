import type { Role } from './domain.ts';

/** Every permission a route can require. The server sends the user's list to the UI (`/api/auth/me`). */
export const PERMISSIONS = [
  'org.read',
  'org.write',
  'university.manage',
  'device.read',
  'device.write',
  'event.read',
  'alarm.read',
  'alarm.handle',
  /** Watch cameras' live video (audited per camera). */
  'video.view',
  /** Export recorded video as evidence clips (with a reason; audited with each clip's SHA-256). */
  'video.export',
  /** Steer cameras (PTZ moves and presets). */
  'video.control',
  /** The vehicle lists and gate passages (车辆名单、通行记录). */
  'vehicle.read',
  /** Register vehicles and temporary passes. */
  'vehicle.write',
  /** Approve guest vehicles (访客车辆审批). */
  'vehicle.approve',
  'rule.read',
  'rule.write',
  'dispatch.self',
  'maintenance.write',
  'user.read',
  'user.write',
  'audit.read',
  /** The people register (人员库), identity numbers and phones masked. */
  'person.read',
  'person.write',
  /** See a person's full id number, phone and credentials (with a reason; audited each time). */
  'person.unmask',
  /** 轨迹查询: where a person, card or vehicle was seen (with a reason; audited each time). */
  'trajectory.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Events carry people's ids and plates: the commission and guards do not read them raw.
// The commission never sees individuals: READ_ONLY holds no person.* permission.
const READ_ONLY: Permission[] = ['org.read', 'device.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  commission_analyst: READ_ONLY,
  security_director: [...READ_ONLY, 'event.read', 'alarm.read', 'alarm.handle', 'video.view', 'video.export', 'video.control', 'vehicle.read', 'vehicle.write', 'vehicle.approve', 'rule.read', 'rule.write', 'org.write', 'device.write', 'maintenance.write', 'user.read', 'user.write', 'person.read', 'person.write', 'person.unmask', 'trajectory.read'],
  operator: [...READ_ONLY, 'event.read', 'alarm.read', 'alarm.handle', 'video.view', 'video.control', 'vehicle.read', 'vehicle.write', 'rule.read', 'person.read'],
  guard: [...READ_ONLY, 'dispatch.self'],
  // Maintainers check that a repaired camera shows a picture.
  maintainer: [...READ_ONLY, 'event.read', 'video.view', 'device.write', 'maintenance.write'],
  // Auditors read the register masked; they check who unmasked, they do not unmask.
  auditor: [...READ_ONLY, 'event.read', 'alarm.read', 'rule.read', 'user.read', 'audit.read', 'person.read'],
};

/** Roles a security director may grant inside their own university. */
export const DIRECTOR_GRANTABLE_ROLES: readonly Role[] = ['security_director', 'operator', 'guard', 'maintainer', 'auditor'];
