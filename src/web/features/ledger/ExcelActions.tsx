import type { DeviceQuery } from '../../api/types.ts';

export interface ExcelActionsProps {
  /** The ledger's filter including the sidebar scope: an export writes what the table lists (all pages). */
  query: DeviceQuery;
  /** Called after an import changed the ledger, so the table reloads. */
  onImported: () => void;
}

/**
 * Slot for Excel/CSV import and export of the ledger (R2), delivered in the next slice of the
 * "Web console" issue. It sits in the ledger toolbar next to "登记设备" and receives the
 * current filter; until then it renders nothing.
 */
export function ExcelActions(_props: ExcelActionsProps) {
  return null;
}
