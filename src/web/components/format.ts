import { beijingDate, beijingDateTime } from '../../shared/beijing-time.ts';

/**
 * Dates and times in Beijing time (the platform's time zone, whatever the browser's), in Chinese
 * convention (ISO order), the same in both languages.
 */
export const formatDateTime = (iso: string | null | undefined) => (iso ? beijingDateTime(Date.parse(iso)) : '');
export const formatDate = (iso: string | null | undefined) => (iso ? beijingDate(Date.parse(iso)) : '');
