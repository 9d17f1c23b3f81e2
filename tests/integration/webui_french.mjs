// Every page in French shows no string of the English catalogue nor any English phrase of the
// planner (issue 23), on the demo fleet: Overview, Hosts, an imported host, the agent's host,
// Dependencies, Plan, Costs, Exports and Agents (as an admin, who sees every section), and the
// printable report (?format=html&lang=fr). The same search on English pages must find English
// strings and planner phrases, or the check would pass having looked at nothing.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD and AGENT_HOST_ID.
import { env, url, ok, check, api, planApi, openBrowser } from './webui_harness.mjs';
import { englishInText, englishOnPage, englishStrings, plannerStrings } from './webui_catalogue.mjs';

// The page of a host that does not exist: the API's 404 is provoked on purpose.
const kMissingHost = 'no-such-host-23';
const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  expectedFailure: (status, path) => status === 404 && path.includes(kMissingHost),
});
const english = await englishStrings();
const planner = plannerStrings();
check(english.length > 200, `the English catalogue has strings to look for: ${english.length}`);
check(planner.length > 100, `the planner's catalogue has English phrases to look for: ${planner.length}`);

const imported = encodeURIComponent((await api('/api/v1/hosts?source=import&limit=1')).hosts[0].id);
// [name, route, selector shown once the page is complete]
const pages = [
  ['overview', '#/', '[data-testid=plan-cloud]'],
  ['hosts', '#/hosts', '[data-testid=filter-strategy]:not([disabled])'],
  ['host-imported', `#/hosts/${imported}`, '[data-testid=rec-strategy]'],
  ['host-agent', `#/hosts/${encodeURIComponent(env('AGENT_HOST_ID'))}`, '[data-testid=rec-strategy]'],
  ['dependencies', '#/dependencies', '[data-testid=graph-title]'],
  ['plan', '#/plan', '[data-testid=plan-monthly]'],
  ['costs', '#/costs', '[data-testid=on-premises-breakdown]'],
  ['exports', '#/exports', '[data-testid=export-fleet-csv]'],
  ['agents', '#/agents', '[data-testid=tokens-table]'],
  ['imports', '#/imports', '[data-testid=import-history]'],
];

try {
  await planApi('/api/v1/plan/summary');  // every page has its plan figures to show
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  check(await page.getAttribute('html', 'lang') === 'fr', 'French by default');
  const leaks = [];
  for (const [name, route, ready] of pages) {
    await page.goto(`${url}/${route}`);
    await page.waitForSelector(ready, { timeout: 60000 });
    const seen = await englishOnPage(page, english);
    if (seen.found.length) leaks.push(`${name}: ${seen.found.join(', ')}`);
    await screenshot(`fr-${name}`, { fullPage: true });
  }
  check(leaks.length === 0, `English on French pages: ${leaks.join(' | ')}`);
  ok(`no string of the English catalogue nor planner phrase (${english.length} looked for) on ${pages.length} French pages`);
  // The planner's words are on them, in French: the agent's host has its reasons.
  await page.goto(`${url}/#/hosts/${encodeURIComponent(env('AGENT_HOST_ID'))}`);
  await page.waitForSelector('[data-testid=rec-reasons] li', { timeout: 60000 });
  const reasons = await page.locator('[data-testid=rec-reasons] li').allTextContents();
  check(reasons.length > 0 && reasons.every((r) => r.trim()), `the agent's host gives its reasons: ${reasons.length}`);
  // (The language menu names each language in itself, English as "English": not the page's text.)
  check(await page.locator('main [lang="en"]').count() === 0, 'nothing on a French page is marked English');
  ok(`the agent's host gives ${reasons.length} reasons in French: "${reasons[0]}"`);

  // An API refusal is worded in French from its code and parameters, not the API's English.
  await page.goto(`${url}/#/hosts/${kMissingHost}`);
  const refusal = await page.textContent('[role=alert]', { timeout: 30000 });
  check(refusal.includes(`Aucun serveur « ${kMissingHost} »`) && !refusal.includes('no host'), `the 404 in French: ${refusal}`);
  check((await englishOnPage(page, english)).found.length === 0, 'no English on the refusal');
  ok(`an API refusal in French: "${refusal}"`);

  // The printable report: French by default, the planner's sentences French too.
  const report = async (query) => {
    const r = await fetch(`${url}/api/v1/plan?format=html${query}`, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } });
    check(r.status === 200, `report${query}: HTTP ${r.status}`);
    return r.text();
  };
  const inReport = (html, list) => englishInText(
    html.replace(/<[^>]*>/g, '\n').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"'), list);
  const frenchReport = await report('');
  check(frenchReport.includes('<html lang="fr">') && !frenchReport.includes('lang="en"'), 'the report is French by default, nothing marked English');
  const reportLeaks = inReport(frenchReport, planner);
  check(reportLeaks.length === 0, `planner English in the French report: ${reportLeaks.slice(0, 20).join(' | ')}`);
  const englishReport = inReport(await report('&lang=en'), planner);
  check(englishReport.length >= 5, `the same search finds planner phrases in the English report: ${englishReport.length}`);
  ok(`the French report holds none of the planner's English phrases; the English one ${englishReport.length}`);

  await page.goto(`${url}/#/agents`);
  await page.waitForSelector('[data-testid=tokens-table]');
  await page.selectOption('[data-testid=language]', 'en');
  await page.waitForSelector('[data-testid=tokens-table]');
  const { found } = await englishOnPage(page, english);
  check(found.length >= 10, `the search finds English on the English Agents page: ${found.length}`);
  ok(`the same search finds ${found.length} English strings on the English Agents page`);
  await accessible('agents (English)');
  await page.goto(`${url}/#/hosts/${encodeURIComponent(env('AGENT_HOST_ID'))}`);
  await page.waitForSelector('[data-testid=rec-reasons] li');
  const englishReasons = await englishOnPage(page, planner);
  check(englishReasons.found.length >= 2, `the search finds planner phrases on the English host page: ${englishReasons.found.length}`);
  ok(`the same search finds ${englishReasons.found.length} planner phrases on the English host page`);
  await page.selectOption('[data-testid=language]', 'fr');  // leave the profile in French
  finish();
} finally {
  await context.close();
}
