/**
 * Field rules of a person that a JSON schema cannot express, shared by the API and the import:
 * the 18-digit resident id's check digit (GB 11643), phone formats, the 学工号 alphabet and
 * credential values. Each returns the normalized value or a problem naming the field.
 */
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { CredentialKind } from '../../../shared/people.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: FieldProblem };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (field: string, reason: string, rule: string): Checked<never> => ({ ok: false, problem: { field, reason, rule } });

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

function validBirthDate(ymd: string): boolean {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(4, 6));
  const d = Number(ymd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** 18-digit resident id (check digit and birth date), 15-digit old id, or a passport / other travel document number. */
export function checkIdNumber(raw: string, field = 'idNumber'): Checked<string> {
  const v = raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(v)) {
    const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(v[i]), 0);
    if (CHECK[sum % 11] !== v[17]) return bad(field, 'is not a valid resident id number (check digit does not match)', 'checksum');
    if (!validBirthDate(v.slice(6, 14))) return bad(field, 'is not a valid resident id number (no such birth date)', 'format');
    return ok(v);
  }
  if (/^\d{15}$/.test(v)) return ok(v);
  // Passports and permits: letters and digits, at least one letter (a digit string is a mistyped resident id).
  if (/^[A-Z0-9]{5,20}$/.test(v) && /[A-Z]/.test(v)) return ok(v);
  return bad(field, 'must be an 18-digit resident id, a 15-digit old id, or a passport number (5–20 letters and digits)', 'format');
}

/** Mainland mobile (11 digits from 1[3-9], +86 allowed) or a landline with its area code (021-12345678). */
export function checkPhone(raw: string, field = 'phone'): Checked<string> {
  const v = raw.normalize('NFKC').replace(/[\s()]/g, '');
  const mobile = v.replace(/^(\+?86)(?=1\d{10}$)/, '').replace(/-/g, '');
  if (/^1[3-9]\d{9}$/.test(mobile)) return ok(mobile);
  const m = /^0(\d{2,3})-?(\d{7,8})$/.exec(v);
  if (m) return ok(`0${m[1]}-${m[2]}`);
  return bad(field, 'must be a mainland mobile number (11 digits) or a landline with area code (021-12345678)', 'format');
}

/** 学工号: what campus card systems print: letters, digits and hyphens. */
export function checkNumber(raw: string, field = 'number'): Checked<string> {
  const v = raw.normalize('NFKC').trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(v)) return bad(field, 'may hold only letters, digits and hyphens', 'format');
  return ok(v);
}

export function checkName(raw: string, field = 'name'): Checked<string> {
  const v = raw.replace(/\s+/g, ' ').trim();
  if (!v) return bad(field, 'is required', 'required');
  return ok(v);
}

/**
 * Card numbers (digits or hex, as the reader reports them), QR tokens, and face template ids:
 * a reference into the face system, never the picture, so it is short and has no image data.
 */
export function checkCredentialValue(kind: CredentialKind, raw: string, field = 'value'): Checked<string> {
  const v = raw.normalize('NFKC').trim();
  switch (kind) {
    case 'card':
      return /^[0-9A-Fa-f]{4,32}$/.test(v) ? ok(v.toUpperCase()) : bad(field, 'a card number is 4–32 digits (decimal or hexadecimal)', 'format');
    case 'qr':
      return /^[A-Za-z0-9_-]{8,128}$/.test(v) ? ok(v) : bad(field, 'a QR token is 8–128 letters, digits, _ or -', 'format');
    case 'face':
      return /^[A-Za-z0-9._:-]{1,64}$/.test(v) ? ok(v) : bad(field, 'a face credential is the template id in the face system (1–64 letters, digits, . _ : -), never image data', 'format');
  }
}
