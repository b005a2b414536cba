/**
 * The text a ledger search (`q`) looks in: name, serial number, IP, national (GB/T 28181) id,
 * model and vendor, lower-cased once when the device is written. Fields are joined with a
 * control character no search contains, so a search never matches across two fields.
 */
export const SEARCH_FIELD_SEPARATOR = '\u001f';

export function deviceSearchText(d: { name: string; serial: string | null; ip: string | null; gbId: string | null; model: string | null; vendor: string | null }): string {
  return [d.name, d.serial, d.ip, d.gbId, d.model, d.vendor]
    .filter((v): v is string => !!v)
    .join(SEARCH_FIELD_SEPARATOR)
    .toLowerCase();
}
