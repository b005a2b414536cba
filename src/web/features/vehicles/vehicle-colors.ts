import type { BarrierOutcome, GateReason, VehicleList } from '../../../shared/vehicles.ts';

/** One colour per list, the same in the table, the summary and the passages. */
export const LIST_COLOR: Record<VehicleList, string> = { staff: 'blue', student: 'cyan', contractor: 'purple', guest: 'gold', banned: 'red' };

export const BARRIER_COLOR: Record<BarrierOutcome, string> = { acknowledged: 'green', refused: 'red', no_ack: 'orange', not_sent: 'orange', no_barrier: 'default', pending: 'processing' };

/** Refusals that want a look (a banned car) stand out from the routine ones. */
export const REASON_COLOR: Partial<Record<GateReason, string>> = { banned: 'red', low_confidence: 'orange' };
