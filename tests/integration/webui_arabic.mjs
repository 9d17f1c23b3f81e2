// The web UI in Arabic (issue 20), on the demo fleet: the language chosen on the sign-in page and
// remembered; then the walk of the French test (Overview, Hosts, a host, Plan, Costs, Dependencies,
// Exports; then Imports with the shared RVTools sample previewed and Sources with a vCenter row)
// right to left: <html dir=rtl lang=ar>, the navigation on the right, table columns
// mirrored (the first at the right), no label or button cut (scrollWidth <= clientWidth), no
// string of the French or English catalogues nor of the planner's French or English left, Latin
// digits (ar-MA), the planner's reasons and the printable report in Arabic, every Arabic glyph
// drawn with a font that has it; the choice kept for the user on the collector. Then Amazigh: the navigation in Tifinagh, left to right, drawn
// with a font that has Tifinagh (no tofu). Screenshots kept under build/webui-screenshots/.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD, AGENT_HOST_ID, ARABIC_FONTS, TIFINAGH_FONTS
// (the fontconfig families that cover each script, '|'-separated), RVTOOLS_WORKBOOK (the shared
// sample) and UNREACHABLE_VCENTER (a URL nothing listens on).
import { env, url, ok, check, api, planApi, openBrowser, pageLayout, columnsRightToLeft } from './webui_harness.mjs';
import { englishInText, englishOnPage, foreignStrings, plannerStrings } from './webui_catalogue.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser();
const foreign = await foreignStrings('ar', ['fr', 'en']);
check(foreign.length > 500, `French and English strings to look for: ${foreign.length}`);
const kMenu = '[data-testid=language]';  // names each language in itself
// Not read by the check: the menu, the page's <noscript> (French, Arabic and English, shown only
// without JavaScript, before any language is known), and a source's errors, the collector's and
// vCenter's own English marked lang=en (the Sources check below reads them as the API's).
const kNotPageLanguage = `${kMenu}, noscript, [data-testid=source-errors][lang=en]`;

// [name, route, selector shown once the page is complete]
const pages = [
  ['overview', '#/', '[data-testid=plan-cloud]'],
  ['hosts', '#/hosts', '[data-testid=filter-strategy]:not([disabled])'],
  ['host-agent', `#/hosts/${encodeURIComponent(env('AGENT_HOST_ID'))}`, '[data-testid=rec-strategy]'],
  ['plan', '#/plan', '[data-testid=plan-monthly]'],
  ['costs', '#/costs', '[data-testid=on-premises-breakdown]'],
  ['dependencies', '#/dependencies', '[data-testid=graph-title]'],
  ['exports', '#/exports', '[data-testid=export-fleet-csv]'],
];

const layout = () => pageLayout(page);

// The fonts Chromium drew each matching element's text with (DevTools protocol), and those not in
// `allowed` (fontconfig's families for the script).
async function fontsOf(selector, allowed) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
  const used = new Set();
  for (const nodeId of nodeIds) {
    for (const font of (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts) used.add(font.familyName);
  }
  await cdp.detach();
  const families = new Set(allowed.split('|'));
  return { used: [...used], without: [...used].filter((f) => !families.has(f)), nodes: nodeIds.length };
}

try {
  await planApi('/api/v1/plan/summary');
  await page.goto(`${url}/`);
  await page.waitForSelector('[data-testid=login-user]');
  const french = await layout();
  check(french.dir === 'ltr' && french.lang === 'fr', `French, left to right, by default: ${french.dir} ${french.lang}`);
  const menu = await page.locator(`${kMenu} option`).allTextContents();
  check(JSON.stringify(menu) === JSON.stringify(['Français', 'العربية', 'English', 'ⵜⴰⵎⴰⵣⵉⵖⵜ']), `the language menu: ${menu.join(', ')}`);
  await page.selectOption(kMenu, 'ar');
  await page.waitForSelector('html[dir=rtl][lang=ar]');
  await screenshot('ar-login');
  await accessible('sign-in (Arabic)');
  await signIn('ada', env('ADMIN_PASSWORD'));  // a new page load: the choice is remembered
  await page.waitForSelector('[data-testid=who]');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'still Arabic after signing in');
  ok(`the menu offers ${menu.join(', ')}; Arabic chosen before signing in is kept (localStorage)`);

  const leaks = [];
  const cuts = [];
  // The page shown now, right to left: what every Arabic page must be; a screenshot kept.
  async function arabicPage(name) {
    const seen = await layout();
    check(seen.dir === 'rtl' && seen.lang === 'ar', `${name}: dir=${seen.dir} lang=${seen.lang}`);
    check(await page.title() === 'سحاب', `${name}: title ${await page.title()}`);
    // Right to left, the header starts at the right: the brand against the right edge, the
    // navigation in the right half (in French both are on the left).
    check(seen.brand.right > seen.width - 60 && seen.nav.left + seen.nav.width / 2 > seen.width / 2,
      `${name}: brand ${Math.round(seen.brand.left)}-${Math.round(seen.brand.right)}, navigation ${Math.round(seen.nav.left)}-${Math.round(seen.nav.right)} of ${seen.width}`);
    cuts.push(...seen.cut.map((c) => `${name}: ${c}`));
    const found = (await englishOnPage(page, foreign, kNotPageLanguage)).found;
    if (found.length) leaks.push(`${name}: ${found.join(', ')}`);
    const digits = await page.evaluate(() => /[\u0660-\u0669\u06f0-\u06f9]/.test(document.body.innerText));
    check(!digits, `${name}: Arabic-Indic digits (ar-MA writes Latin digits)`);
    await screenshot(`ar-${name}`, { fullPage: true });
  }
  for (const [name, route, ready] of pages) {
    await page.goto(`${url}/${route}`);
    await page.waitForSelector(ready, { timeout: 60000 });
    await arabicPage(name);
  }
  check(cuts.length === 0, `cut text: ${cuts.join(' | ')}`);
  check(leaks.length === 0, `French or English on Arabic pages: ${leaks.join(' | ')}`);
  ok(`${pages.length} Arabic pages right to left, navigation on the right, no label or button cut, none of ${foreign.length} French or English strings, Latin digits`);

  // Tables mirrored: the first column (the host name) is the rightmost.
  await page.goto(`${url}/#/hosts`);
  await page.waitForSelector('[data-testid=hosts-table] tbody tr');
  const columns = await columnsRightToLeft(page, '[data-testid=hosts-table]');
  check(columns.mirrored, `columns from right to left: ${columns.lefts}`);
  const name = await page.$eval('[data-testid=hosts-table] tbody tr td a', (a) => ({ dir: a.dir, text: a.textContent }));
  check(name.dir === 'auto', `a host name keeps its own direction (dir=auto): ${JSON.stringify(name)}`);
  ok(`the Hosts table is mirrored: ${columns.count} columns from right to left; host names isolated`);
  await accessible('hosts (Arabic)');

  // Imports with real content: the shared RVTools sample previewed (its counts, its 19 rows, the
  // VM matched to a known server), right to left, the rows' table mirrored.
  await page.goto(`${url}/#/imports`);
  await page.waitForSelector('[data-testid=import-file]');
  await page.setInputFiles('[data-testid=import-file]', env('RVTOOLS_WORKBOOK'));
  await page.click('[data-testid=import-preview]');
  await page.waitForSelector('[data-testid=import-confirm]', { timeout: 60000 });
  const previewRows = await page.locator('[data-testid=import-hosts] tbody tr').count();
  check(previewRows === 19, `the sample's 19 VMs previewed: ${previewRows}`);
  const importColumns = await columnsRightToLeft(page, '[data-testid=import-hosts]');
  check(importColumns.mirrored, `imports: columns from right to left: ${importColumns.lefts}`);
  await arabicPage('imports-preview');
  await accessible('imports preview (Arabic)');
  await page.click('[data-testid=import-cancel]');

  // Sources with a row: a vCenter nothing answers for, failed after its first run, with why.
  const created = await api('/api/v1/sources', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'vcenter', name: 'vc-rabat', url: env('UNREACHABLE_VCENTER'), username: 'sahab-reader@vsphere.local',
      password: 'not-used-1', tls: { insecure: true } }) });
  for (let i = 0; (await api(`/api/v1/sources/${created.id}`)).state !== 'failed'; i++) {
    check(i < 120, 'the unreachable source did not fail within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await page.goto(`${url}/#/sources`);
  await page.waitForSelector('[data-testid=sources-table] tr[data-name="vc-rabat"][data-state=failed]');
  const sourceColumns = await columnsRightToLeft(page, '[data-testid=sources-table]');
  check(sourceColumns.mirrored, `sources: columns from right to left: ${sourceColumns.lefts}`);
  const errorCell = await page.$eval('[data-testid=sources-table] tr[data-name="vc-rabat"] [data-testid=source-errors]',
    (td) => ({ lang: td.lang, dir: td.dir, text: td.textContent }));
  const runErrors = (await api(`/api/v1/sources/${created.id}`)).last_run.errors;
  check(errorCell.lang === 'en' && errorCell.dir === 'ltr' && errorCell.text === runErrors.join('; ') && runErrors.length > 0,
    `only the collector's own error is English, marked so: ${JSON.stringify(errorCell)}, API ${JSON.stringify(runErrors)}`);
  check(await page.locator('[data-testid=sources-page] [lang=en]').count() === 1, 'nothing else on the page is marked English');
  const sourceUrl = await page.$eval('[data-testid=sources-table] tr[data-name="vc-rabat"]', (tr) => [...tr.querySelectorAll('[dir]')]
    .some((e) => e.textContent.includes('https://') && ['ltr', 'auto'].includes(e.dir)));
  check(sourceUrl, 'the source URL keeps its own direction');
  // The form's URL and CA file (placeholders included) left to right: right to left, the
  // placeholder's "https://" was cut and the path's leading slash drawn at its end.
  const inputs = await page.$$eval('[data-testid=source-url], [data-testid=source-ca]', (es) => es.map((e) => getComputedStyle(e).direction));
  check(inputs.length === 2 && inputs.every((d) => d === 'ltr'), `the URL and CA file fields left to right: ${inputs.join(', ')}`);
  await arabicPage('sources');
  await accessible('sources (Arabic)');
  check(cuts.length === 0, `cut text: ${cuts.join(' | ')}`);
  check(leaks.length === 0, `French or English on Arabic pages: ${leaks.join(' | ')}`);
  ok(`Imports (the RVTools sample previewed: ${previewRows} rows, ${importColumns.count} columns mirrored) and Sources (a failed ` +
    `vCenter, ${sourceColumns.count} columns mirrored) right to left, navigation on the right, no text cut, no French or English`);

  // The planner's reasons in Arabic, host names inside them isolated; Arabic drawn with a font
  // that has its glyphs.
  await page.goto(`${url}/#/hosts/${encodeURIComponent(env('AGENT_HOST_ID'))}`);
  await page.waitForSelector('[data-testid=rec-reasons] li', { timeout: 60000 });
  const reasons = await page.locator('[data-testid=rec-reasons] li').allTextContents();
  check(reasons.length > 0 && reasons.every((r) => /\p{Script=Arabic}/u.test(r)), `reasons in Arabic: ${reasons.join(' | ')}`);
  const arabicFonts = await fontsOf('header nav a, h1, h2', env('ARABIC_FONTS'));
  check(arabicFonts.nodes > 3 && arabicFonts.without.length === 0, `Arabic drawn with ${arabicFonts.used.join(', ')}; without Arabic glyphs: ${arabicFonts.without.join(', ')}`);
  ok(`the agent's host gives ${reasons.length} reasons in Arabic ("${reasons[0]}"); Arabic drawn with ${arabicFonts.used.join(', ')}`);

  // The printable report follows the language: the Exports page asks for ?lang=ar, which is Arabic.
  await page.goto(`${url}/#/exports`);
  await page.waitForSelector('[data-testid=export-fleet-csv]');
  const link = await page.$eval('[data-testid=export-current-html]', (a) => a.getAttribute('href'));
  check(new URLSearchParams(link?.split('?')[1]).get('lang') === 'ar', `the page's report link asks for Arabic: ${link}`);
  const response = await fetch(`${url}${link}`, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } });
  check(response.status === 200, `report: HTTP ${response.status}`);
  const report = (await response.text());
  check(report.includes('<html lang="ar" dir="rtl">'), 'the report is Arabic, right to left');
  const text = report.replace(/<[^>]*>/g, '\n').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  const reportLeaks = englishInText(text, [...plannerStrings('en', 'ar'), ...plannerStrings('fr', 'ar')]);
  check(reportLeaks.length === 0, `planner French or English in the Arabic report: ${reportLeaks.slice(0, 10).join(' | ')}`);
  const bad = await fetch(`${url}/api/v1/plan?format=html&lang=ar-MA`, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } });
  check(bad.status === 400 && (await bad.text()).includes('fr, en, ar, zgh'), `an unknown ?lang= is refused naming the choices: ${bad.status}`);
  ok('the printable report in Arabic (lang=ar dir=rtl, no planner French or English); ?lang=ar-MA refused with 400');

  // Kept for the user on the collector: a browser that forgot it (localStorage cleared) speaks
  // Arabic again once the session is resumed.
  const stored = await page.evaluate(() => fetch('/api/v1/me/preferences').then((r) => r.json()));
  check(stored.language === 'ar', `the user's language on the collector: ${JSON.stringify(stored)}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForSelector('html[dir=rtl][lang=ar] [data-testid=who]');
  ok('the language is kept for the user on the collector: a browser without it comes back in Arabic');

  // Amazigh: the navigation in Tifinagh, left to right, drawn with a font that has Tifinagh.
  await page.selectOption(kMenu, 'zgh');
  await page.waitForSelector('html[lang=zgh][dir=ltr]');
  const navigation = await page.locator('header nav a').allTextContents();
  check(navigation.every((n) => /^[\u2d30-\u2d7f ]+$/u.test(n)), `navigation in Tifinagh: ${navigation.join(' | ')}`);
  const tifinagh = await fontsOf('header nav a', env('TIFINAGH_FONTS'));
  check(tifinagh.nodes === navigation.length && tifinagh.without.length === 0,
    `Tifinagh drawn with ${tifinagh.used.join(', ')}; without Tifinagh glyphs: ${tifinagh.without.join(', ')}`);
  const zgh = await layout();
  check(zgh.nav.left < zgh.width / 2, `left to right: navigation at ${Math.round(zgh.nav.left)}`);
  await screenshot('zgh-exports', { fullPage: true });
  ok(`Amazigh navigation in Tifinagh (${navigation.join(', ')}), left to right, drawn with ${tifinagh.used.join(', ')}`);

  await page.selectOption(kMenu, 'fr');  // leave the profile in French
  await page.waitForSelector('html[lang=fr][dir=ltr]');
  finish();
} finally {
  await context.close();
}
