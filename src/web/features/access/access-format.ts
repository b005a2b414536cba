import type { TFunction } from 'i18next';
import type { AccessGroup } from '../../../shared/access-control.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';

/** Fields whose server reasons (English sentences) have the console's own wording. */
const WORDED = ['doorIds', 'members', 'personIds', 'name', 'validUntil', 'credentials', 'normallyOpen', 'mode'] as const;

/** The server's field problem in the user's words where the access API has its own (`doorIds.3` → the door's wording). */
export function accessProblem(p: FieldProblem, t: TFunction): FieldProblem {
  const last = p.field.split('.').filter((part) => !/^\d+$/.test(part)).pop() ?? p.field;
  const key = (WORDED as readonly string[]).includes(last) ? (last as (typeof WORDED)[number]) : null;
  return key ? { ...p, reason: t(`access.problem.${key}`), rule: undefined } : p;
}

/** Who a group covers, in a line: 学生 · 计算机学院 · 指定 3 人. */
export function membersText(g: Pick<AccessGroup, 'members'>, t: TFunction): string {
  const parts: string[] = [];
  if (g.members.kinds.length) parts.push(g.members.kinds.map((k) => t(`enum.personKind.${k}`)).join('、'));
  if (g.members.departments.length) parts.push(g.members.departments.join('、'));
  if (g.members.personIds.length) parts.push(t('access.group.named', { count: g.members.personIds.length }));
  return parts.join(' · ');
}
