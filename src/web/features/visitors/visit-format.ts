import type { TFunction } from 'i18next';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { VISIT_LIMITS, type VisitState } from '../../../shared/visitors.ts';

/** Tag colour (antd preset) per visit state. */
export const STATE_COLORS: Record<VisitState, string> = {
  pending: 'gold',
  approved: 'blue',
  rejected: 'red',
  checked_in: 'green',
  checked_out: 'default',
  cancelled: 'default',
  expired: 'default',
};

/** A Beijing wall-clock value of an <input type="datetime-local"> (“2026-03-02T18:00”) from an instant. */
export function beijingLocalInput(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * The server's field problems in the user's words (its reasons are English sentences), and each
 * on the form field that shows it: a bad gate or campus on the gate picker.
 */
export function visitProblems(details: readonly FieldProblem[], t: TFunction): FieldProblem[] {
  return details.map((p) => {
    const say = (field: string, reason: string): FieldProblem => ({ field, reason });
    if (p.field === 'visitorPhone' && p.rule !== 'required') return say(p.field, t('visitors.errors.phone'));
    if (p.field === 'visitorIdNumber') return say(p.field, t('visitors.errors.idNumber'));
    if (p.field === 'plate') return say(p.field, t('visitors.errors.plate'));
    if (p.field === 'windowTo' && p.rule === 'maximum') return say(p.field, t('visitors.errors.windowTooLong', { hours: VISIT_LIMITS.maxWindowHours }));
    if (p.field === 'windowTo' && p.rule === 'minimum') return say(p.field, t('visitors.errors.windowPast'));
    if (p.field === 'windowTo' && !p.rule) return say(p.field, t('visitors.errors.windowOrder'));
    if (p.field === 'campusId' || p.field.startsWith('gateIds')) return say('gateIds', t('visitors.errors.gate'));
    return p;
  });
}
