/** What an import answers: counts and one entry per problem, addressed as Excel shows it. */

export interface ImportProblem {
  /** Row number as Excel (or a text editor, for CSV) shows it; the header is row 1. */
  row: number;
  /** Column header as in the file (or as it should be, for a missing column). */
  column: string;
  /** The ledger field (`gbId`, `camera.fovDeg` …), when the problem concerns one. */
  field: string | null;
  /**
   * Stable reason code the console translates: required, enum, number, integer, minimum,
   * maximum, maxLength, date, format, gb28181, gbNumber, place, placeAmbiguous, hierarchy,
   * duplicate, exists, kind, pair, order, geo.*, missingColumn, duplicateColumn,
   * unknownColumn (a warning).
   */
  rule: string;
  /** Precise reason in English (like every API message). */
  reason: string;
  /** The cell as read, when it helps (an unknown label, a bad date). */
  value?: string;
  /** Values for the console's wording (allowed labels, limits, other row numbers …). */
  params?: Record<string, string | number>;
}

export interface ImportTimings {
  parseMs: number;
  validateMs: number;
  writeMs: number;
  totalMs: number;
}

export interface ImportReport {
  mode: 'preview' | 'commit';
  fileName: string;
  format: 'xlsx' | 'csv';
  /** Worksheet read (xlsx). */
  sheet: string | null;
  universityId: string;
  universityName: string;
  /** Device rows in the file (empty rows are not counted). */
  rows: number;
  valid: number;
  invalid: number;
  /** Devices written (commit only; 0 for a preview). */
  created: number;
  onlyValid: boolean;
  /** Every problem of every invalid row, by row then column. */
  problems: ImportProblem[];
  /** What does not block the import (unknown columns, which are ignored). */
  warnings: ImportProblem[];
  timings: ImportTimings;
}
