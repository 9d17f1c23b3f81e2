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

// A label's value as the page's language says it ("high" -> "Haute"), else as written.
export function labelValue(key: string, value: string | undefined): string {
  return value === undefined ? '' : t.labelValues[key]?.[value] ?? value;
}

// An amount at a glance, for tiles: "41,0 M MAD" ("MAD 41.0M" in English); below a thousand, whole.
// Show the exact amount (formatMoney) beside it, on hover, and in exports.
export function formatMoneyCompact(value: number | undefined, currency = 'MAD'): string {
  if (value === undefined || !Number.isFinite(value) || Math.abs(value) < 1000) return formatMoney(value, currency);
  return value.toLocaleString(locale(), {
    style: 'currency', currency, notation: 'compact', minimumFractionDigits: 1, maximumFractionDigits: 1,
  });
}

// A calendar day ("2027-01-04") without time or time zone shift.
export function formatDay(iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(locale(), { timeZone: 'UTC' });
}

// A time axis tick (unix seconds) in the page's language: hours over a day or two ("14:00", the day
// at midnight), days over longer spans ("28 nov.").
export function formatTick(seconds: number, spanSeconds: number): string {
  const date = new Date(seconds * 1000);
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  if (spanSeconds <= 2 * 86400 && !midnight) {
    return date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
  }
  return date.toLocaleDateString(locale(), { day: 'numeric', month: 'short' });
}

// A month on a time scale ("janv. 27").
export function formatMonth(ms: number): string {
  return new Date(ms).toLocaleDateString(locale(), { month: 'short', year: '2-digit', timeZone: 'UTC' });
}
