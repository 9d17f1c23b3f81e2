// The French-only check of the browser tests: the strings of the UI's English catalogue
// (collector/webui/app/src/i18n/en.ts, read through esbuild like the bundle) that are not also
// French, and a page-side search for them as whole words in what a user reads (text, placeholders,
// titles, labels for assistive technologies).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from './webui_harness.mjs';

const i18n = join(dirname(fileURLToPath(import.meta.url)), '../../collector/webui/app/src/i18n');
const esbuild = createRequire(join(env('SAHAB_WEBUI_NODE_MODULES'), 'noop.js'))('esbuild');

async function catalogue(name) {
  const built = await esbuild.build({ entryPoints: [join(i18n, `${name}.ts`)], bundle: true, format: 'esm',
    write: false, logLevel: 'error' });
  const module = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);
  return module[name];
}

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

// English strings worth looking for: with a letter, four characters at least, absent from the
// French catalogue (names such as "Sahab" or "Province" are the same in both).
export async function englishStrings() {
  const french = new Set([...fragments(await catalogue('fr'), new Set())].map(trimmed));
  const english = [...fragments(await catalogue('en'), new Set())].map(trimmed)
    .filter((s) => s.length >= 4 && /\p{L}{2}/u.test(s) && !french.has(s));
  return [...new Set(english)];
}

// The English strings the page holds, as whole words (so "Process" does not match "Processus",
// nor "servers" a key such as servers_per_fte),
// in every text node (hidden ones too: options, closed details) and in placeholders, titles and
// labels. Text the page marks lang="en" (what the planner writes in English) is left out and
// counted: `{found, marked}`.
export function englishOnPage(page, strings) {
  return page.evaluate((list) => {
    const read = [];
    let marked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style')) continue;
      if (parent.closest('[lang="en"]') && document.documentElement.lang !== 'en') marked++;
      else read.push(node.textContent);
    }
    for (const element of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
      for (const name of ['placeholder', 'title', 'aria-label']) read.push(element.getAttribute(name) ?? '');
    }
    const text = read.join('\n');
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Each string found with the text around it, to tell where it came from.
    const found = list.flatMap((s) => {
      const at = new RegExp(`(?<![\\p{L}\\p{N}_])${escape(s)}(?![\\p{L}\\p{N}_])`, 'u').exec(text);
      return at ? [`${s} (in "${text.slice(Math.max(0, at.index - 30), at.index + s.length + 30).replace(/\s+/g, ' ')}")`] : [];
    });
    return { found, marked };
  }, strings);
}
