// The current language (French unless the user chose another) and locale-aware formatting.
// Every language is one entry of `languages`: nothing else in the app names a language.
import { ar } from './ar';
import { en } from './en';
import { fr, type Strings } from './fr';
import { zgh, review as zghReview } from './zgh';

export interface Review {
  // Nobody whose language it is has checked this catalogue yet (docs/webui.md, "Languages").
  status: 'needs-native-review';
  // Where the catalogue's missing strings come from, if it may lack any; null: it may not.
  fallback: 'fr' | null;
}

export interface LanguageEntry {
  code: string; // BCP 47, also <html lang> and the report's ?lang=
  name: string; // in the language itself, for the menu
  locales: string[]; // for Intl, first supported wins
  dir: 'ltr' | 'rtl';
  strings: Strings; // a catalogue's review marker (its file's `review`) is for the catalogue check
}

// A catalogue that may lack strings, completed from its fallback (French), as its review marker says.
const completed = (own: Partial<Strings>, marker: Review): Strings => ({ ...(marker.fallback ? fr : {}), ...own }) as Strings;

// Bidi isolation (FSI … PDI) around every text parameter of a right-to-left catalogue's sentences:
// a host name, an address or a figure inside an Arabic sentence keeps its own direction and does
// not drag the punctuation around it.
const isolate = (text: string): string => `\u2068${text}\u2069`;
function isolated<T>(value: T): T {
  if (Array.isArray(value)) return value.map(isolated) as T;
  if (typeof value === 'function') {
    const f = value as unknown as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => f(...args.map((a) => (typeof a === 'string' ? isolate(a) : a)))) as unknown as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isolated(v)])) as T;
  }
  return value;
}

export const languages: LanguageEntry[] = [
  { code: 'fr', name: 'Français', locales: ['fr-FR'], dir: 'ltr', strings: fr },
  // ar-MA: Latin digits, as Moroccan administrations write them ("1.234.567,5", "12.500 د.م.").
  { code: 'ar', name: 'العربية', locales: ['ar-MA'], dir: 'rtl', strings: isolated(ar) },
  { code: 'en', name: 'English', locales: ['en-GB'], dir: 'ltr', strings: en },
  // Tifinagh, left to right; figures as in French, the language its untranslated strings fall back to.
  { code: 'zgh', name: 'ⵜⴰⵎⴰⵣⵉⵖⵜ', locales: ['zgh-Tfng-MA', 'fr-FR'], dir: 'ltr', strings: completed(zgh, zghReview) },
];

const kStorageKey = 'sahab.language';
const entry = (code: string | null): LanguageEntry => languages.find((l) => l.code === code) ?? languages[0];

let current = entry(localStorage.getItem(kStorageKey));
export let lang: string = current.code;
export let t: Strings = current.strings;

export function setLanguage(next: string): void {
  current = entry(next);
  lang = current.code;
  t = current.strings;
  localStorage.setItem(kStorageKey, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = current.dir;
  document.title = t.appName;
}

const locale = () => current.locales;

// Text that must keep its own direction on a right-to-left page ("0–10 %", not "10–0 %"; a host
// name inside a sentence); as it is on a left-to-right one.
export const ownDirection = (text: string): string => (current.dir === 'rtl' ? isolate(text) : text);

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return ratio.toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 1 });
}

// Bytes in binary units (Gio/GiB), the way servers are sized; the units' names are the catalogue's.
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = t.byteUnits;
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
