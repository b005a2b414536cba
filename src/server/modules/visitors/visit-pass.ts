import { randomBytes } from 'node:crypto';
import { PASS_TOKEN_PREFIX, type PassRefusal, type VisitState } from '../../../shared/visitors.ts';

/** 24 random bytes (192 bits): not derived from the visit, so a pass cannot be guessed from anything shown. */
export function newPassToken(): string {
  return PASS_TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

export interface PassAttempt {
  gateId: string;
  direction: 'in' | 'out';
  atMs: number;
}

/**
 * The gate's verdict on a pass, null when the visitor may pass. Coming in: an approved visit,
 * within its window [from, to), at one of its gates. Going out: anyone checked in is let out at
 * any gate (keeping a visitor inside helps no one; an overstay is reported on its own).
 */
export function judgePass(visit: { state: VisitState; window_from: string; window_to: string; gateIds: readonly string[] }, a: PassAttempt): PassRefusal | null {
  switch (visit.state) {
    case 'pending':
      return 'not_approved';
    case 'rejected':
    case 'cancelled':
    case 'expired':
    case 'checked_out':
      return visit.state;
    case 'checked_in':
      return a.direction === 'out' ? null : 'already_inside';
    case 'approved':
      if (a.direction === 'out') return 'not_inside';
      if (a.atMs < Date.parse(visit.window_from)) return 'not_yet_valid';
      if (a.atMs >= Date.parse(visit.window_to)) return 'expired';
      return visit.gateIds.includes(a.gateId) ? null : 'wrong_gate';
  }
}
