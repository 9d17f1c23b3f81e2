// The one-language checks of the browser tests: the strings of the UI's other catalogues
// (collector/webui/app/src/i18n/*.ts, read through esbuild like the bundle) and the wording of
// what the planner says in other languages (planner/messages.json) that the page's language does
// not also use (English on a French page; French and English on an Arabic one), and a page-side
// search for them as whole words in what a user reads (text, placeholders, titles, labels for
// assistive technologies).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const i18n = join(root, 'collector/webui/app/src/i18n');
// Not the harness's env(): the catalogue check (webui_catalogues.mjs) runs without a browser.
const modules = process.env.SAHAB_WEBUI_NODE_MODULES;
if (!modules) throw new Error('SAHAB_WEBUI_NODE_MODULES is not set');
const esbuild = createRequire(join(modules, 'noop.js'))('esbuild');

// A catalogue file's exports (its strings under its language code, its review marker if any).
export async function catalogueModule(name) {
  const built = await esbuild.build({ entryPoints: [join(i18n, `${name}.ts`)], bundle: true, format: 'esm',
    write: false, logLevel: 'error' });
  return import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);
}

const catalogue = async (name) => (await catalogueModule(name))[name];

// A placeholder no catalogue contains: what a message function is called with, then split on, so
// that its fixed words remain ("`${n} agents enrolled`" gives "agents enrolled").
const kHole = '\u0001';

function fragments(value, out) {
  if (typeof value === 'string') {
    out.add(value.trim());
  } else if (typeof value === 'function') {
    for (const part of String(value(...Array(value.length).fill(kHole))).split(/\u0001|NaN|undefined/)) {
      out.add(part.trim());
    }
  } else if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) fragments(inner, out);
  }
  return out;
}

const trimmed = (s) => s.replace(/^[\s:;,.()—–-]+|[\s:;,.()—–-]+$/g, '');

// The planner's templates in one language, cut at their {parameters}: the fixed words remain.
function plannerFragments(language) {
  const messages = JSON.parse(readFileSync(join(root, 'planner/messages.json'), 'utf8'));
  return Object.entries(messages).filter(([key]) => !key.startsWith('//'))
    .flatMap(([, m]) => m[language].split(/\{\w+\}/)).map(trimmed);
}

// The planner's phrases in `language` worth looking for on a page in `against`: several words (a
// single word such as "storage" is also part of the planner.yaml keys quoted in French sentences),
// absent in `against`.
export function plannerStrings(language = 'en', against = 'fr') {
  const known = new Set(plannerFragments(against));
  return [...new Set(plannerFragments(language).filter((s) => s.length >= 6 && / \p{L}/u.test(s) && !known.has(s)))];
}

// The UI catalogue's strings in `language` worth looking for on a page in `against`: with a
// letter, four characters at least, absent from the `against` catalogue (names such as "Sahab" or
// "Province" are the same in French and English).
async function catalogueStrings(language, against) {
  const known = new Set([...fragments(await catalogue(against), new Set())].map(trimmed));
  return [...fragments(await catalogue(language), new Set())].map(trimmed)
    .filter((s) => s.length >= 4 && /\p{L}{2}/u.test(s) && !known.has(s));
}

// English strings worth looking for on a French page: the UI's and the planner's.
export async function englishStrings() {
  return [...new Set([...await catalogueStrings('en', 'fr'), ...plannerStrings('en', 'fr')])];
}

// The strings of the other languages' catalogues (UI and planner), `sources`, worth looking for on
// a page in `language` (the Arabic check: no French nor English left).
export async function foreignStrings(language, sources) {
  const found = [];
  for (const source of sources) found.push(...await catalogueStrings(source, language), ...plannerStrings(source, language));
  return [...new Set(found)];
}

// The English strings the page holds, as whole words (so "Process" does not match "Processus",
// nor "servers" a key such as servers_per_fte, nor "waves" a planner.yaml key such as waves.ramp
// that a French sentence quotes),
// in every text node (hidden ones too: options, closed details) and in placeholders, titles and
// labels; text marked lang="en" included (nothing may escape the check that way): `{found}`.
// `except`: a selector whose text is not the page's language by design (the language menu, which
// names each language in itself).
export async function englishOnPage(page, strings, except = 'script, style') {
  const text = await page.evaluate((skip) => {
    const read = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(`script, style, ${skip}`)) continue;
      read.push(node.textContent);
    }
    for (const element of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
      for (const name of ['placeholder', 'title', 'aria-label']) read.push(element.getAttribute(name) ?? '');
    }
    return read.join('\n');
  }, except);
  return { found: englishInText(text, strings) };
}

// The same search over any text (the printable report's): each string found with the text around
// it, to tell where it came from.
export function englishInText(text, strings) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return strings.flatMap((s) => {
    const at = new RegExp(`(?<![\\p{L}\\p{N}_]|[\\p{L}\\p{N}_]\\.)${escape(s)}(?![\\p{L}\\p{N}_]|\\.[\\p{L}\\p{N}_])`, 'u').exec(text);
    return at ? [`${s} (in "${text.slice(Math.max(0, at.index - 30), at.index + s.length + 30).replace(/\s+/g, ' ')}")`] : [];
  });
}
