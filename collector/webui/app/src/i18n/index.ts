// The current language (French unless the user chose English) and locale-aware formatting.
import { en } from './en';
import { fr, type Strings } from './fr';

export type Language = 'fr' | 'en';
const kStorageKey = 'sahab.language';

export let lang: Language = localStorage.getItem(kStorageKey) === 'en' ? 'en' : 'fr';
export let t: Strings = lang === 'en' ? en : fr;

export function setLanguage(next: Language): void {
  lang = next;
  t = next === 'en' ? en : fr;
  localStorage.setItem(kStorageKey, next);
  document.documentElement.lang = next;
}

const locale = () => (lang === 'en' ? 'en-GB' : 'fr-FR');

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return ratio.toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 1 });
}

// Bytes in binary units (Gio/GiB), the way servers are sized.
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = lang === 'en' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] : ['o', 'Kio', 'Mio', 'Gio', 'Tio', 'Pio'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(value, value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(locale());
}

// Amounts in the plan's currency (MAD), whole units.
export function formatMoney(value: number | undefined, currency = 'MAD'): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(locale(), { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
}

// A calendar day ("2027-01-04") without time or time zone shift.
export function formatDay(iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(locale(), { timeZone: 'UTC' });
}

// A month on a time scale ("janv. 27").
export function formatMonth(ms: number): string {
  return new Date(ms).toLocaleDateString(locale(), { month: 'short', year: '2-digit', timeZone: 'UTC' });
}
