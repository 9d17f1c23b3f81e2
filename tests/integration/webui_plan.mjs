// The Plan, Costs and Exports pages and named scenarios in real Chromium (harness:
// webui_harness.mjs). Every figure the pages show is compared with the API's answer for the same
// parameters. Env: as webui_harness.mjs, plus PLANNER_PASSWORD and VIEWER_PASSWORD.
import { env, url, ok, check, digits, api, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  // A bad what-if (400) and the viewer's forced scenario write (403) are provoked on purpose.
  expectedFailure: (status, path) => (status === 400 && path === '/api/v1/plan/summary') ||
    (status === 403 && path.startsWith('/api/v1/scenarios/')),
});
page.on('dialog', (dialog) => dialog.accept());

const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const tileValue = async (id) => digits(await page.textContent(`[data-testid=${id}] .tile-value`));
const timings = {};

// The body of the next what-if the page sends, to ask the API the same question.
const nextWhatIf = () => page.waitForRequest((r) => r.url().endsWith('/api/v1/plan/summary') && r.method() === 'POST')
  .then((r) => JSON.parse(r.postData()));

// Changes the form, submits it and waits for the page to show the answer (plan or error); returns
// the body the page sent.
async function recompute(change) {
  const sent = nextWhatIf();
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/plan/summary') && r.request().method() === 'POST');
  await change();
  await page.click('[data-testid=whatif-submit]');
  const body = await sent;
  await answered;
  await page.waitForSelector('[data-testid=plan-output]:not([aria-busy])');
  return body;
}

try {
  await signIn('paula', env('PLANNER_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');

  // Plan: the configured defaults, as the API plans them.
  let started = Date.now();
  await page.click('a[href="#/plan"]');
  await page.waitForSelector('[data-testid=plan-monthly]');
  timings.plan = Date.now() - started;
  const defaults = await api('/api/v1/plan/summary');
  check(await tileValue('plan-monthly') === Math.round(defaults.totals.monthly_cost), 'monthly total as the API');
  check(await tileValue('plan-waves') === defaults.waves.length, 'wave count as the API');
  check(await tileValue('plan-hosts') === defaults.totals.hosts, 'hosts as the API');
  check(await page.locator('[data-testid=gantt] rect.gantt-bar').count() === defaults.waves.length, 'one timeline bar per wave');
  check(await page.locator('[data-testid=waves-table] tbody tr').count() === defaults.waves.length, 'one table row per wave');
  check(await page.locator('[data-testid=gantt] rect.pilot').count() === defaults.waves.filter((w) => w.pilot).length, 'pilots marked');
  check(await page.locator('[data-testid=rules] li').count() === defaults.rules.length + (defaults.assumptions ?? []).length,
    'compliance rules and fleet-wide assumptions listed');
  check(await page.locator('[data-testid=rules] li[data-assumption]').count() === (defaults.assumption_messages ?? []).length,
    'every assumption worded from its key');
  // The rules worded in French from the keys the planner gives (rule_messages), none left English.
  check(await page.locator('[data-testid=rules] li[data-rule]').count() === defaults.rule_messages.length &&
    defaults.rule_messages.length === defaults.rules.length, 'every rule worded from its key');
  const compliance = await page.textContent('[data-testid=rules] li[data-rule="rule.compliance"]');
  check(compliance.startsWith('Décret 2-24-921') && compliance.includes(defaults.rule_messages[0].params.country ?? ''),
    `a rule in French: ${compliance}`);
  check(digits((await page.textContent('[data-testid=warnings] h2')).split(',')[0]) === defaults.violations.total, 'unmet constraints counted');
  check(await page.inputValue('[data-testid=whatif-comfort_factor]') === '1.3', 'the form shows the comfort factor used');
  // Unmet constraints come first: their count by kind at the top of the results, the affected
  // waves marked on the timeline, each report naming hosts (links to their pages) and groups.
  const summaryBox = page.locator('[data-testid=constraints-summary]');
  check(await summaryBox.count() === 1, 'constraints summary shown');
  check(Number(await summaryBox.getAttribute('data-total')) === defaults.violations.total, 'constraints summary counts them all');
  const firstInResults = await page.evaluate(() => document.querySelector('[data-testid=plan-results]')?.firstElementChild?.getAttribute('data-testid'));
  check(firstInResults === 'constraints-summary', `the results open with the constraints summary (first: ${firstInResults})`);
  const byKind = defaults.violations.by_kind ?? {};
  check(await summaryBox.locator('li[data-kind]').count() === Object.keys(byKind).length, 'one count per kind');
  for (const [kind, n] of Object.entries(byKind)) {
    check(digits(await summaryBox.locator(`li[data-kind="${kind}"]`).textContent()) === n, `${kind}: ${n} as the API`);
  }
  check(!('dependency-order' in byKind) && !('environment' in byKind), 'no dependency-order or environment violation on the generated fleet');
  const affected = defaults.violations.by_wave ?? [];
  check(await page.locator('[data-testid=gantt] rect.gantt-bar.unmet').count() === affected.length, `affected waves marked (${affected.length})`);
  for (const w of affected) {
    check(Number(await page.locator(`[data-testid=gantt] rect[data-wave="${w.wave}"]`).getAttribute('data-unmet')) === w.count,
      `wave ${w.wave} marked with ${w.count}`);
  }
  if (defaults.violations.first.length) {
    const v = defaults.violations.first[0];
    const item = page.locator('[data-testid=violations-list] > li').first();
    // Why and how to fix it, worded in French from the planner's messages, not its English.
    const why = item.locator(`.why [data-key="${v.reason_message.key}"]`);
    const fix = item.locator(`.fix [data-key="${v.fix_message.key}"]`);
    check(await why.count() === 1 && await fix.count() === 1, 'a report says why and how to fix it');
    check(!(await item.textContent()).includes(v.reason) && !(await item.textContent()).includes(v.fix), 'in French');
    if (v.groups?.length) {
      check((await item.textContent()).includes(`${v.group_names[0]} [${v.groups[0]}]`), 'groups named, ids in brackets');
    }
    if (v.hosts?.length) {
      const a = item.locator('a').first();
      check(await a.textContent() === (v.hosts[0].hostname || v.hosts[0].id), 'hosts named by hostname');
      check(await a.getAttribute('href') === `#/hosts/${encodeURIComponent(v.hosts[0].id)}`, 'hosts linked to their pages');
    }
  }
  ok(`unmet constraints first: ${defaults.violations.total} (${JSON.stringify(byKind)}), ${affected.length} waves marked on the timeline`);
  // Again, the plan being cached by the collector (what a user coming back to the page sees).
  await page.click('a[href="#/exports"]');
  await page.waitForSelector('[data-testid=export-fleet-csv]');
  started = Date.now();
  await page.click('a[href="#/plan"]');
  await page.waitForSelector('[data-testid=plan-monthly]');
  timings.planCached = Date.now() - started;
  await screenshot('plan', { fullPage: true });
  await accessible('plan');
  ok(`the plan page shows the API's plan (${defaults.waves.length} waves, ` +
    `${Math.round(defaults.totals.monthly_cost)} MAD a month; shown in ${timings.plan} ms, cached ${timings.planCached} ms)`);

  // One transfer hour a day: slow sites' copies exceed the window; the page opens with the
  // unmet constraints by kind, as the API counts them, and marks the waves concerned.
  const slowLength = await page.inputValue('[data-testid=whatif-transfer_hours_per_day]');
  const slow = await recompute(() => page.fill('[data-testid=whatif-transfer_hours_per_day]', '1'));
  const expectedSlow = (await post('/api/v1/plan/summary', slow)).violations;
  check(expectedSlow.total > 0, 'a one-hour transfer window leaves constraints unmet');
  check(Number(await page.getAttribute('[data-testid=constraints-summary]', 'data-total')) === expectedSlow.total, 'unmet count as the API');
  for (const [kind, n] of Object.entries(expectedSlow.by_kind)) {
    check(digits(await page.textContent(`[data-testid=constraints-summary] li[data-kind="${kind}"]`)) === n, `${kind}: ${n}`);
  }
  check(!('dependency-order' in expectedSlow.by_kind) && !('environment' in expectedSlow.by_kind), 'still no dependency-order or environment violation');
  check(await page.locator('[data-testid=gantt] rect.gantt-bar.unmet').count() === expectedSlow.by_wave.length && expectedSlow.by_wave.length > 0,
    'affected waves marked');
  const firstSlow = expectedSlow.first[0];
  const slowItem = page.locator('[data-testid=violations-list] > li').first();
  check(await slowItem.locator(`.fix [data-key="${firstSlow.fix_message.key}"]`).count() === 1 &&
    !(await slowItem.textContent()).includes(firstSlow.fix), 'the first report shows its fix, in French');
  check(await slowItem.locator('a').first().getAttribute('href') === `#/hosts/${encodeURIComponent(firstSlow.hosts[0].id)}`, 'linked host');
  check(await slowItem.locator('a').first().textContent() === firstSlow.hosts[0].hostname, 'named by hostname');
  await screenshot('plan-unmet', { fullPage: true });
  ok(`a 1 h/day transfer window: ${expectedSlow.total} unmet (${JSON.stringify(expectedSlow.by_kind)}) shown first, ` +
    `${expectedSlow.by_wave.length} waves marked`);
  await recompute(() => page.fill('[data-testid=whatif-transfer_hours_per_day]', slowLength));

  // Comfort factor 1.3 -> 2.0: a bigger plan, exactly the API's for the same parameters.
  const bigger = await recompute(() => page.fill('[data-testid=whatif-comfort_factor]', '2'));
  const expectedBigger = await post('/api/v1/plan/summary', bigger);
  const shownBigger = await tileValue('plan-monthly');
  check(shownBigger === Math.round(expectedBigger.totals.monthly_cost), `comfort 2.0: ${shownBigger} vs ${expectedBigger.totals.monthly_cost}`);
  // What changed: the one input changed, before and after, and the figures that moved.
  const changedInputs = await page.$$eval('[data-testid=changed-inputs] tbody tr', (rows) =>
    rows.map((r) => [r.dataset.key, ...[...r.querySelectorAll('td')].map((c) => c.textContent)]));
  check(JSON.stringify(changedInputs) === JSON.stringify([['sizing.comfort_factor', '1,3', '2']]),
    `changed inputs: ${JSON.stringify(changedInputs)}`);
  const movedMonthly = await page.getAttribute('[data-testid=changed-figures] li[data-row=monthly]', 'title');
  check(digits(movedMonthly.split('→')[1]) === shownBigger, `the monthly cost moved to ${movedMonthly}`);
  const firstPanel = await page.evaluate(() => document.querySelector('[data-testid=plan-results]')?.firstElementChild?.getAttribute('data-testid'));
  check(firstPanel === 'plan-changes', `a recomputed plan opens with what changed (first: ${firstPanel})`);
  await screenshot('plan-what-changed');
  ok(`after a recompute the page says what changed: comfort factor 1,3 → 2, monthly cost ${movedMonthly}`);
  check(shownBigger > Math.round(defaults.totals.monthly_cost), 'comfort 2.0 costs more than 1.3');
  ok(`comfort factor 2.0 recomputes: ${Math.round(defaults.totals.monthly_cost)} -> ${shownBigger} MAD a month, as the API`);

  // A 3-year commitment costs less than on demand.
  const committed = await recompute(() => page.selectOption('[data-testid=whatif-commitment]', '3y'));
  const expectedCommitted = await post('/api/v1/plan/summary', committed);
  const shownCommitted = await tileValue('plan-monthly');
  check(shownCommitted === Math.round(expectedCommitted.totals.monthly_cost), 'committed total as the API');
  check(shownCommitted < shownBigger, `3y ${shownCommitted} < on demand ${shownBigger}`);
  ok(`a 3-year commitment shows a lower total (${shownCommitted} MAD)`);

  // A value out of the planner's bounds: the browser refuses it before asking, the plan stays.
  let asked = 0;
  const countAsks = (r) => { if (r.url().endsWith('/api/v1/plan/summary') && r.method() === 'POST') asked++; };
  page.on('request', countAsks);
  await page.fill('[data-testid=whatif-comfort_factor]', '11');
  await page.click('[data-testid=whatif-submit]');
  const refusal = await page.$eval('[data-testid=whatif-comfort_factor]', (i) => (i.validity.valid ? '' : i.validationMessage));
  await page.waitForTimeout(500);
  page.off('request', countAsks);
  check(refusal && asked === 0, `comfort 11 refused in the browser (${refusal}), ${asked} requests`);
  check(await tileValue('plan-monthly') === shownCommitted, 'the plan stays');
  ok(`a comfort factor of 11 is refused by the form (max 10) without asking the planner: "${refusal}"`);

  // A bad value past the form (its bounds removed): the API's 400 message next to the form, the
  // last good plan kept.
  await page.$eval('[data-testid=whatif-comfort_factor]', (i) => { i.removeAttribute('min'); i.removeAttribute('max'); });
  await recompute(() => page.fill('[data-testid=whatif-comfort_factor]', '-1'));
  const error = await page.textContent('[data-testid=plan-error]');
  check(error.includes('comfort_factor'), `error shown: ${error}`);
  check(await tileValue('plan-monthly') === shownCommitted, 'the last plan stays');
  await screenshot('plan-error');
  ok(`a bad comfort factor shows the API's message: ${error}`);

  // Two scenarios saved by the planner, compared side by side.
  await recompute(() => page.fill('[data-testid=whatif-comfort_factor]', '1.3'));
  const save = async (name, description) => {
    await page.fill('[data-testid=scenario-name]', name);
    await page.fill('[data-testid=scenario-description]', description);
    await page.click('[data-testid=scenario-save-button]');
    await page.waitForSelector(`[data-testid=scenario-list] tr[data-scenario="${name}"]`);
  };
  await save('base-3y', 'comfort 1.3, 3 ans');
  await recompute(() => page.fill('[data-testid=whatif-comfort_factor]', '2'));
  await save('large-3y', 'comfort 2.0, 3 ans');
  await page.check('[data-testid="pick-base-3y"]');
  await page.check('[data-testid="pick-large-3y"]');
  await page.click('[data-testid=compare-button]');
  await page.waitForSelector('[data-testid=compare-table]');
  for (const name of ['base-3y', 'large-3y']) {
    const expected = await api(`/api/v1/plan/summary?scenario=${name}`);
    const cell = (row) => page.textContent(`[data-testid=compare-table] tr[data-row="${row}"] td[data-scenario="${name}"]`);
    check(digits((await cell('monthly')).split('(')[0]) === Math.round(expected.totals.monthly_cost), `${name} monthly`);
    check(digits((await cell('monthly-on-demand')).split('(')[0]) ===
      Math.round(expected.totals.monthly_cost_by_commitment['on-demand']), `${name} on demand`);
    check(digits((await cell('waves')).split('(')[0]) === expected.waves.length, `${name} waves`);
  }
  check(await page.locator('[data-testid=compare-table] td.diff').count() > 0, 'differences highlighted');
  const inputRows = await page.$$eval('[data-testid=compare-inputs] tbody tr', (rows) =>
    rows.map((r) => [r.dataset.key, ...[...r.querySelectorAll('td')].map((c) => c.textContent)]));
  check(JSON.stringify(inputRows) === JSON.stringify([['sizing.comfort_factor', '1,3', '2']]),
    `the comparison names the one input that differs: ${JSON.stringify(inputRows)}`);
  await page.locator('[data-testid=compare]').scrollIntoViewIfNeeded();
  await screenshot('plan-compare');
  ok('a planner saves two scenarios; the comparison shows the input that differs and the API\'s totals, differences highlighted');

  // Loading a scenario fills the form and recomputes its plan.
  const loaded = nextWhatIf();
  await page.click('[data-testid="load-base-3y"]');
  await loaded;
  await page.waitForFunction(() => document.querySelector('[data-testid=whatif-comfort_factor]')?.value === '1.3');
  check(await page.inputValue('[data-testid=whatif-commitment]') === '3y', 'scenario commitment loaded');
  ok('loading a scenario fills the form');

  // Costs: the defaults again, every commitment and on premises as the API gives them.
  await page.click('[data-testid=whatif-reset]');
  await page.waitForFunction(() => document.querySelector('[data-testid=whatif-comfort_factor]')?.value === '1.3' &&
    document.querySelector('[data-testid=whatif-commitment]')?.value === 'on-demand');
  started = Date.now();
  await page.click('a[href="#/costs"]');
  await page.waitForSelector('[data-testid=cost-on-premises]');
  timings.costs = Date.now() - started;
  for (const c of ['on-demand', '1y', '3y']) {
    check(await tileValue(`cost-${c}`) === Math.round(defaults.totals.monthly_cost_by_commitment[c]), `cost ${c}`);
  }
  check(await tileValue('cost-on-premises') === Math.round(defaults.totals.on_premises_monthly_cost), 'on-premises TCO');
  check(await page.locator('[data-testid=by-region-bars] .bar-row').count() === Math.min(12, defaults.costs.by_region.length), 'regions');
  check(await page.locator('[data-testid=by-commune-table] tbody tr').count() === defaults.costs.by_commune.length, 'communes');
  check(await page.locator('[data-testid=by-resource-bars] .bar-row').count() === 4, 'four resources');
  await screenshot('costs', { fullPage: true });
  await accessible('costs');
  ok(`the costs page shows on demand, 1 year, 3 years and on premises as the API (shown in ${timings.costs} ms)`);

  // Exports: every link downloads a non-empty file of the right type, with the page's session.
  started = Date.now();
  await page.click('a[href="#/exports"]');
  await page.waitForSelector('[data-testid=export-fleet-csv]');
  timings.exports = Date.now() - started;
  await page.selectOption('[data-testid=export-scenario-select]', 'large-3y');
  const links = await page.$$eval('a.download', (as) => as.map((a) => a.getAttribute('href')));
  check(links.length === 14, `14 download links: ${links}`);
  const files = await page.evaluate(async (hrefs) => Promise.all(hrefs.map(async (href) => {
    const r = await fetch(href);
    const body = await r.text();
    return { href, status: r.status, type: r.headers.get('content-type'), size: body.length, head: body.slice(0, 120) };
  })), links);
  const expectType = (href) => href.includes('format=csv') ? 'text/csv' : href.includes('format=html') ? 'text/html'
    : href.includes('format=xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/json';
  for (const f of files) {
    check(f.status === 200 && f.size > 100 && (f.type ?? '').startsWith(expectType(f.href)), `download ${JSON.stringify(f)}`);
  }
  const fleetCsv = files.find((f) => f.href.includes('fleet?format=csv'));
  check(fleetCsv.head.replace(/^\uFEFF/, '').startsWith('id,hostname,'), `fleet CSV header: ${fleetCsv.head}`);
  check(files.find((f) => f.href.includes('large-3y') && f.href.includes('format=json')).head.includes('sahab-plan/1'), 'scenario plan JSON');
  await screenshot('exports', { fullPage: true });
  await accessible('exports');
  ok(`the exports page links ${files.length} downloads, all non-empty with the right type (shown in ${timings.exports} ms)`);

  // A what-if plan is POSTed and saved from the page.
  await page.click('a[href="#/plan"]');
  await recompute(() => page.fill('[data-testid=whatif-comfort_factor]', '1.5'));
  await page.click('a[href="#/exports"]');
  const download = page.waitForEvent('download');
  const request = page.waitForRequest((r) => r.url().includes('/api/v1/plan?format=csv&table=waves') && r.method() === 'POST');
  await page.click('[data-testid=export-current-csv-waves]');
  const [saved, sent] = await Promise.all([download, request]);
  // The same request again from the page (its session and CSRF token), to look at the answer.
  const again = await page.evaluate(async (body) => {
    const session = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/plan?format=csv&table=waves', { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token } });
    return { type: r.headers.get('content-type'), text: await r.text() };
  }, sent.postData());
  check(JSON.parse(sent.postData()).parameters.sizing.comfort_factor === 1.5, `what-if sent: ${sent.postData()}`);
  check(saved.suggestedFilename() === 'plan-waves.csv' && again.type.startsWith('text/csv') &&
    again.text.split('\r\n').length > 3, `what-if download ${saved.suggestedFilename()} ${again.type} ${again.text.slice(0, 80)}`);
  ok(`the current what-if's plan downloads through POST (${saved.suggestedFilename()}, ${again.text.length} characters)`);

  // A viewer computes what-ifs but cannot save: no control, and a forced PUT answers 403.
  await page.click('[data-testid=logout]');
  // Signed out on the collector before the next sign-in: a sign-out still in flight would end the
  // session the next page load resumes.
  await page.waitForSelector('[data-testid=login-user]');
  await signIn('vera', env('VIEWER_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  await page.goto(`${url}/#/plan`);
  await page.waitForSelector('[data-testid=scenario-readonly]');
  check(await page.locator('[data-testid=scenario-save]').count() === 0, 'no save form for a viewer');
  check(await page.locator('[data-testid^=delete-]').count() === 0, 'no delete button for a viewer');
  const viewer = await page.evaluate(async () => {
    const session = await (await fetch('/api/v1/session')).json();
    const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token };
    const put = await fetch('/api/v1/scenarios/viewer-try', { method: 'PUT', headers,
      body: JSON.stringify({ description: 'x', parameters: {} }) });
    const del = await fetch('/api/v1/scenarios/base-3y', { method: 'DELETE', headers });
    const whatIf = await fetch('/api/v1/plan/summary', { method: 'POST', headers,
      body: JSON.stringify({ parameters: { sizing: { comfort_factor: 1.4 } } }) });
    return { role: session.role, put: put.status, del: del.status, whatIf: whatIf.status };
  });
  check(viewer.role === 'viewer' && viewer.put === 403 && viewer.del === 403 && viewer.whatIf === 200,
    `viewer: ${JSON.stringify(viewer)}`);
  await screenshot('plan-viewer');
  ok('a viewer computes what-ifs but cannot save or delete scenarios (403)');

  console.log(`TTI (navigation to data shown, 10,000 hosts): plan ${timings.plan} ms (first plan), ` +
    `${timings.planCached} ms (cached), costs ${timings.costs} ms, ` +
    `exports ${timings.exports} ms`);
  finish();
} finally {
  await context.close();
}
