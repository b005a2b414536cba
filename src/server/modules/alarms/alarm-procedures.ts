import type { AlarmPhoto, AlarmType, SopStep } from '../../../shared/alarms.ts';
import type { Work } from '../../store/tables.ts';
import { PortSlot } from '../module.ts';

/**
 * What the alarm module needs of procedures (处置程序, the SOP checklist and photos): a new
 * alarm gets its checklist in the transaction that creates it, closing waits for the mandatory
 * steps, the alarm's record shows both. The procedures module builds on alarms and attaches
 * itself (see `createAlarmsModule().attachProcedures`); alarms cannot be created without it.
 */
export interface AlarmProcedures {
  /** Copies the type's checklist onto a new alarm, in `work`, the transaction creating it. */
  instantiate(work: Work, alarmId: string, type: AlarmType): Promise<void>;
  /** Titles of the mandatory steps still open, read in `work` (the transaction that would close the alarm). */
  openMandatory(work: Work, alarmId: string): Promise<string[]>;
  steps(alarmId: string): Promise<SopStep[]>;
  photosOf(alarmId: string): Promise<AlarmPhoto[]>;
}

export class ProceduresSlot extends PortSlot<AlarmProcedures> {
  constructor() {
    super('alarm procedures');
  }
}
