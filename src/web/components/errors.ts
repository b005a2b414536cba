import { ApiError } from '../api/client.ts';
import { translateDynamic } from '../i18n/index.ts';

/** The translated headline of an error: by its stable code, else a generic one. */
export function errorTitle(err: unknown): string {
  const code = err instanceof ApiError ? err.code : 'UNKNOWN';
  return translateDynamic(`error.${code}`, translateDynamic('error.UNKNOWN', 'error'));
}

/** The server's own message (English, precise), shown under the translated headline. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
