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
  /** Door permissions (门禁权限组、门禁点) and the 模拟刷卡 check. */
  'access.read',
  /** Change access groups and door settings; push permission lists. */
  'access.write',
  /** Visits (访客): today's visitors, who is on campus, the pass's QR; phone and id numbers masked. */
  'visitor.read',
  /** Register visits as their host (访客预约), cancel them, check visitors in and out at the gate. */
  'visitor.write',
  /** Approve or reject visits (访客审批, the security office). */
  'visitor.approve',
  /** 电子巡更: checkpoints, routes, today's tours and the patrol report. */
  'patrol.read',
  /** Set up checkpoints (their QR codes) and routes with their schedules; audited. */
  'patrol.write',
  /** A guard's phone: the guard's tours, check-ins by QR code or GPS. */
  'patrol.checkin',
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
  /** 值班: the roster, its coverage gaps and the operators' certificates (上岗证). */
  'duty.read',
  /** Plan and publish the roster, keep posts and certificates. */
  'duty.write',
  /** 评估: how far a campus is from the standard — key-site coverage, blind spots, later the score. */
  'compliance.read',
  /** Tighten the rule pack's parameters for one's university; upload evidence (佐证材料) for rules checked by document or site visit (audited). */
  'compliance.write',
  /** Accept or reject uploaded evidence with a reason — never one's own upload (audited): the auditor and the commission, who inspect. */
  'compliance.review',
  /** 换班: ask to give away or exchange one's own shift, answer a colleague's request, see one's swaps (approving needs duty.write or the duty leader on duty). */
  'duty.swap',
  /** 交接班: start, sign and accept the command centre's handover (an operator on the roster). */
  'duty.handover',
  /** 培训与演练: training sessions, each person's training record, drills and their results (not the commission's: drills are kept out of its views). */
  'training.read',
  /** Record training sessions and attendance; start and finish drills (audited). */
  'training.write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Events carry people's ids and plates: the commission and guards do not read them raw.
// The commission never sees individuals: READ_ONLY holds no person.* permission.
const READ_ONLY: Permission[] = ['org.read', 'device.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  // The commission follows patrol completion, 24-hour duty and 持证上岗 (S-DUTY24, S-CERT) across universities, read-only;
  // it reviews universities' compliance evidence (the city inspects; the auditor does the same inside a university).
  commission_analyst: [...READ_ONLY, 'patrol.read', 'duty.read', 'compliance.read', 'compliance.review'],
  security_director: [...READ_ONLY, 'event.read', 'alarm.read', 'alarm.handle', 'video.view', 'video.export', 'video.control', 'vehicle.read', 'vehicle.write', 'vehicle.approve', 'access.read', 'access.write', 'visitor.read', 'visitor.write', 'visitor.approve', 'patrol.read', 'patrol.write', 'rule.read', 'rule.write', 'org.write', 'device.write', 'maintenance.write', 'user.read', 'user.write', 'person.read', 'person.write', 'person.unmask', 'trajectory.read', 'duty.read', 'duty.write', 'duty.swap', 'duty.handover', 'compliance.read', 'compliance.write', 'training.read', 'training.write'],
  operator: [...READ_ONLY, 'event.read', 'alarm.read', 'alarm.handle', 'video.view', 'video.control', 'vehicle.read', 'vehicle.write', 'access.read', 'visitor.read', 'visitor.write', 'patrol.read', 'rule.read', 'person.read', 'duty.read', 'duty.swap', 'duty.handover', 'training.read'],
  // Guards at the gatehouse look up today's visitors, register walk-ins and check them in and out.
  // … and walk their patrol tours, checking in at each checkpoint from the phone.
  guard: [...READ_ONLY, 'dispatch.self', 'visitor.read', 'visitor.write', 'patrol.checkin', 'duty.swap'],
  // Maintainers check that a repaired camera shows a picture.
  maintainer: [...READ_ONLY, 'event.read', 'video.view', 'device.write', 'maintenance.write'],
  // Auditors read the register masked; they check who unmasked, they do not unmask.
  auditor: [...READ_ONLY, 'event.read', 'alarm.read', 'rule.read', 'user.read', 'audit.read', 'person.read', 'access.read', 'visitor.read', 'patrol.read', 'duty.read', 'compliance.read', 'compliance.review', 'training.read'],
};

/** Roles a security director may grant inside their own university. */
export const DIRECTOR_GRANTABLE_ROLES: readonly Role[] = ['security_director', 'operator', 'guard', 'maintainer', 'auditor'];
