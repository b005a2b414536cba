/**
 * Excel/CSV import of the device ledger (POST /api/devices/import): what an import answers,
 * counts and one entry per problem, addressed as Excel shows it.
 */
import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from './schema.ts';

export const LEDGER_FILE_FORMATS = ['xlsx', 'csv'] as const;
export type LedgerFileFormat = (typeof LEDGER_FILE_FORMATS)[number];

/** preview checks every row and writes nothing; commit writes. */
export const IMPORT_MODES = ['preview', 'commit'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export const ImportProblem = Type.Object({
  // As Excel (or a text editor, for CSV) shows it.
  row: Type.Integer({ description: 'Row number as Excel shows it (header = row 1)' }),
  // As in the file, or as it should be for a missing column.
  column: Type.String({ description: 'Column header' }),
  field: Nullable(Type.String({ description: 'Ledger field, e.g. gbId or camera.fovDeg' })),
  // The console translates it (`excel.rule.*`): required, enum, number, integer, minimum, maximum,
  // maxLength, date, format, gb28181, gbNumber, place, placeAmbiguous, hierarchy, duplicate,
  // exists, kind, pair, order, geo.*, missingColumn, duplicateColumn, unknownColumn (a warning).
  rule: Type.String({ description: 'Stable reason code (required, enum, date, gb28181, place, duplicate, exists …)' }),
  // Precise reason in English (like every API message), shown when there is no translation.
  reason: Type.String(),
  // The cell as read, when it helps (an unknown label, a bad date).
  value: Type.Optional(Type.String()),
  // Values for the console's wording (allowed labels, limits, other row numbers …).
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});
export type ImportProblem = Static<typeof ImportProblem>;

export const ImportTimings = Type.Object({ parseMs: Type.Number(), validateMs: Type.Number(), writeMs: Type.Number(), totalMs: Type.Number() });
export type ImportTimings = Static<typeof ImportTimings>;

export const ImportReport = Type.Object(
  {
    mode: StringEnum(IMPORT_MODES),
    fileName: Type.String(),
    format: StringEnum(LEDGER_FILE_FORMATS),
    // Worksheet read (xlsx).
    sheet: Nullable(Type.String()),
    universityId: Type.String(),
    universityName: Type.String(),
    // Empty rows are not counted.
    rows: Type.Integer({ description: 'Device rows in the file' }),
    valid: Type.Integer(),
    invalid: Type.Integer(),
    created: Type.Integer({ description: 'Devices written (0 for a preview)' }),
    onlyValid: Type.Boolean(),
    // By row, then column.
    problems: Type.Array(ImportProblem, { description: 'Every problem of every invalid row' }),
    // What does not block the import.
    warnings: Type.Array(ImportProblem, { description: 'Ignored columns' }),
    timings: ImportTimings,
  },
  { $id: 'LedgerImportReport' },
);
export type ImportReport = Static<typeof ImportReport>;
