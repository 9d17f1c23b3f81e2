// What the planner says (host reasons and flags, constraint reports, cost warnings, rules), worded
// in the page's language from planner/messages.json, the catalogue the planner and its printable
// report use. The plan carries each message as a key and parameters beside its English text.
import catalogue from '../../../../../planner/messages.json';
import { formatNumber, lang, ownDirection, t } from '.';

// A parameter: text as it is, a number (worded in the page's language), or messages (joined by commas).
export type PlannerParam = string | number | PlannerMessage[];
export interface PlannerMessage {
  key: string;
  params: Record<string, PlannerParam>;
}

// Each entry: a template per language code (en, fr, ar); a language without one (zgh) reads French.
const templates = catalogue as unknown as Record<string, Record<string, string | undefined> | undefined>;

function paramWords(value: PlannerParam | undefined): string {
  if (typeof value === 'number') return formatNumber(value, 2);
  if (Array.isArray(value)) return value.map((m) => plannerWords(m) ?? '').join(t.listSeparator);
  // A host name or a package inside an Arabic sentence keeps its own direction.
  return value === undefined ? '' : ownDirection(value);
}

// The message in the page's language; undefined for a key this catalogue does not know.
export function plannerWords(message: PlannerMessage | null | undefined): string | undefined {
  const entry = message ? templates[message.key] : undefined;
  if (!message || !entry) return undefined;
  return (entry[lang] ?? entry.fr ?? '').replace(/\{(\w+)\}/g, (_, name: string) => paramWords(message.params[name]));
}

// The message in the page's language, else the planner's English text (a collector older than
// this page's catalogue).
export function said(english: string, message: PlannerMessage | null | undefined): string {
  return plannerWords(message) ?? english;
}
