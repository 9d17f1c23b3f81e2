// The catalogue check of `make test` (issue 20): every language of the web UI has every string the
// French catalogue has, with the same shape (a message function takes as many parameters as the
// French one), and nothing French lacks; a catalogue may lack strings only when its review marker
// (`export const review = { status: 'needs-native-review', fallback: 'fr' }`) says they fall back to
// French. planner/messages.json: every message in every planner language (en, fr, ar) with the
// English template's {parameters}, and its "//review" markers the same as the catalogues' (the
// steering report's and the planner's Arabic marked for native review, Amazigh reading French). The check is first run on broken catalogues, so it is seen to fail.
// Env: SAHAB_WEBUI_NODE_MODULES (esbuild reads the TypeScript catalogues as the bundle does).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueModule, i18n, root } from './webui_catalogue.mjs';

const kPlannerLanguages = ['en', 'fr', 'ar'];

const kind = (v) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);
// The paths of a catalogue's strings and functions ("apiErrors.not_found").
const leaves = (value, path) => (kind(value) === 'object'
  ? Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k)) : [path]);

// The problems of `other` against the French `fr`, and the paths it takes from French; `at` is the
// path so far ("apiErrors.host_not_found").
function compare(fr, other, fallback, at = '', out = { problems: [], fallbacks: [] }) {
  for (const [key, value] of Object.entries(fr)) {
    const path = at ? `${at}.${key}` : key;
    if (!(key in other)) {
      if (fallback) out.fallbacks.push(...leaves(value, path));
      else out.problems.push(`${path}: missing`);
      continue;
    }
    const mine = other[key];
    if (kind(mine) !== kind(value)) {
      out.problems.push(`${path}: ${kind(mine)} where French has a ${kind(value)}`);
    } else if (typeof value === 'function' && mine.length !== value.length) {
      out.problems.push(`${path}: takes ${mine.length} parameter(s), French ${value.length}`);
    } else if (typeof value === 'string' && !mine.trim()) {
      out.problems.push(`${path}: empty`);
    } else if (Array.isArray(value) && mine.length !== value.length) {
      out.problems.push(`${path}: ${mine.length} items, French ${value.length}`);
    } else if (kind(value) === 'object') {
      compare(value, mine, fallback, path, out);
    }
  }
  for (const key of Object.keys(other)) {
    if (!(key in fr)) out.problems.push(`${at ? `${at}.` : ''}${key}: not in French (left over?)`);
  }
  return out;
}

// The review marker as documented, or a problem; a catalogue without one may lack nothing.
function markerProblems(name, review) {
  if (review === undefined) return [];
  const problems = [];
  if (review.status !== 'needs-native-review') problems.push(`${name}: review.status ${JSON.stringify(review.status)}`);
  if (review.fallback !== null && review.fallback !== 'fr') problems.push(`${name}: review.fallback ${JSON.stringify(review.fallback)}`);
  return problems;
}

function checkCatalogue(name, fr, module) {
  const strings = module[name];
  if (!strings || typeof strings !== 'object') return { problems: [`${name}: exports no "${name}" catalogue`], fallbacks: [] };
  const problems = markerProblems(name, module.review);
  const result = compare(fr, strings, module.review?.fallback === 'fr');
  return { problems: [...problems, ...result.problems.map((p) => `${name}: ${p}`)], fallbacks: result.fallbacks };
}

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

function plannerProblems(messages) {
  const problems = [];
  for (const [key, entry] of Object.entries(messages)) {
    if (key.startsWith('//')) continue;
    for (const language of Object.keys(entry)) {
      if (!kPlannerLanguages.includes(language)) problems.push(`${key}: unknown language ${language}`);
    }
    for (const language of kPlannerLanguages) {
      const text = entry[language];
      if (typeof text !== 'string' || !text.trim()) problems.push(`${key}: no ${language}`);
      else if (placeholders(text) !== placeholders(entry.en ?? '')) problems.push(`${key}: ${language} parameters {${placeholders(text)}}, English {${placeholders(entry.en ?? '')}}`);
    }
  }
  return problems;
}

// planner/messages.json's "//review" markers against the web UI catalogues' (`uiMarkers`: a
// catalogue's name → its review marker, or undefined): a language written without a native
// speaker is marked in both, the same way (Arabic complete, Amazigh falling back to French), and
// nothing is marked that the web UI does not mark.
function plannerReviewProblems(messages, uiMarkers) {
  const marked = messages['//review'] ?? {};
  const problems = [];
  for (const [name, marker] of Object.entries(uiMarkers)) {
    const mine = marked[name];
    if (marker === undefined) {
      if (mine !== undefined) problems.push(`${name}: marked for review in messages.json, not in its catalogue`);
    } else if (mine === undefined) {
      problems.push(`${name}: needs native review (its catalogue says so) but messages.json's "//review" does not say it`);
    } else if (mine.status !== marker.status || mine.fallback !== marker.fallback) {
      problems.push(`${name}: messages.json's marker ${JSON.stringify(mine)}, its catalogue's ${JSON.stringify(marker)}`);
    }
  }
  for (const name of Object.keys(marked)) {
    if (!(name in uiMarkers)) problems.push(`${name}: marked in messages.json, no such catalogue`);
  }
  return problems;
}

const failures = [];
const expect = (condition, what) => {
  console.log(`${condition ? 'ok' : 'FAIL'}: ${what}`);
  if (!condition) failures.push(what);
};

// The check on bad input first: each of these must be caught.
{
  const fr = { a: 'x', f: (n) => `${n}`, nested: { k: 'y' }, list: ['o', 'Kio'] };
  const caught = (other, fallback = false) => compare(fr, other, fallback).problems.length > 0;
  expect(caught({ f: (n) => `${n}`, nested: { k: 'y' }, list: ['B', 'KiB'] }), 'a missing string is caught');
  expect(caught({ a: 'x', f: () => '', nested: { k: 'y' }, list: ['B', 'KiB'] }), 'a function with other parameters is caught');
  expect(caught({ a: 'x', f: (n) => `${n}`, nested: {}, list: ['B', 'KiB'] }), 'a missing nested string is caught');
  expect(caught({ a: ' ', f: (n) => `${n}`, nested: { k: 'y' }, list: ['B', 'KiB'] }), 'an empty string is caught');
  expect(caught({ a: 'x', f: (n) => `${n}`, nested: { k: 'y' }, list: ['B'] }), 'a short list is caught');
  expect(caught({ a: 'x', b: 'z', f: (n) => `${n}`, nested: { k: 'y' }, list: ['B', 'KiB'] }), 'a string French lacks is caught');
  expect(!caught({ a: 'x' }, true) && compare(fr, { a: 'x' }, true).fallbacks.length === 3, 'with a fallback marker, missing strings are counted as falling back');
  expect(markerProblems('x', { status: 'reviewed', fallback: 'fr' }).length > 0, 'a marker with another status is refused');
  expect(checkCatalogue('x', fr, { y: {} }).problems.length > 0, 'a file without its catalogue is caught');
  expect(plannerProblems({ k: { en: '{a} b', fr: '{a} c' } }).length === 1, 'a planner message without Arabic is caught');
  expect(plannerProblems({ k: { en: '{a} b', fr: '{a} c', ar: '{b} د' } }).length === 1, 'a planner message with other parameters is caught');
  expect(plannerProblems({ k: { en: 'b', fr: 'c', ar: 'د', xx: 'e' } }).length === 1, 'an unknown planner language is caught');
  const markers = { en: undefined, ar: { status: 'needs-native-review', fallback: null }, zgh: { status: 'needs-native-review', fallback: 'fr' } };
  expect(plannerReviewProblems({ '//review': { ar: markers.ar } }, markers).length === 1, 'a language the UI marks, unmarked in messages.json, is caught');
  expect(plannerReviewProblems({ '//review': { ar: markers.ar, zgh: { status: 'needs-native-review', fallback: null } } }, markers).length === 1,
    'a marker that disagrees with the catalogue\'s is caught');
  expect(plannerReviewProblems({ '//review': { ...markers, en: markers.ar } }, markers).length === 1, 'a marker the UI does not have is caught');
  expect(plannerReviewProblems({ '//review': { ar: markers.ar, zgh: markers.zgh } }, markers).length === 0, 'agreeing markers pass');
}

// The real catalogues: every .ts of src/i18n but the code (index.ts, planner.ts) is a language.
const names = readdirSync(i18n).filter((f) => f.endsWith('.ts') && !['index.ts', 'planner.ts'].includes(f)).map((f) => f.slice(0, -3));
expect(['fr', 'en', 'ar', 'zgh'].every((n) => names.includes(n)), `catalogues: ${names.join(', ')}`);
const index = readFileSync(join(i18n, 'index.ts'), 'utf8');
const fr = (await catalogueModule('fr')).fr;
const uiMarkers = {};
for (const name of names.filter((n) => n !== 'fr')) {
  expect(index.includes(`code: '${name}'`), `${name} is in the language menu (index.ts)`);
  const module = await catalogueModule(name);
  uiMarkers[name] = module.review;
  const { problems, fallbacks } = checkCatalogue(name, fr, module);
  expect(problems.length === 0, `${name}: every French string, same shape${problems.length ? `: ${problems.join('; ')}` : ''}`);
  const marker = module.review ? ` (review marker: ${module.review.status}, fallback ${module.review.fallback})` : '';
  console.log(`   ${name}: ${leaves(fr, '').length - fallbacks.length} of ${leaves(fr, '').length} strings its own, ${fallbacks.length} French${marker}`);
}
const messages = JSON.parse(readFileSync(join(root, 'planner/messages.json'), 'utf8'));
const planner = plannerProblems(messages);
const reviews = plannerReviewProblems(messages, uiMarkers);
expect(reviews.length === 0, `planner/messages.json marks for native review what the catalogues mark (${Object.keys(messages['//review'] ?? {}).join(', ')})` +
  `${reviews.length ? `: ${reviews.join('; ')}` : ''}`);
expect(planner.length === 0, `planner/messages.json: ${Object.keys(messages).filter((k) => !k.startsWith('//')).length} messages in ${kPlannerLanguages.join(', ')} with English's parameters${planner.length ? `: ${planner.join('; ')}` : ''}`);

if (failures.length) {
  console.log(`${failures.length} failure(s)`);
  process.exit(1);
}
