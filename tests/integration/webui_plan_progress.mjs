// The Plan, Costs and Exports pages while the plan is being computed, in real Chromium (harness:
// webui_harness.mjs), against a fresh collector that has not planned yet. To be deterministic on a
// loaded machine, the test holds the page's plan requests (Playwright request interception) and
// lets them through to the real collector when it has looked at the page: the page must be usable
// and say the plan is computing however long the plan takes. Then: a refused what-if shows the
// API's message, a failed connection offers a retry, and of two what-ifs sent in a row the second
// one's totals end on the page even when the first one's answer comes back first.
// Env: as webui_harness.mjs, plus VIEWER_PASSWORD.
import { env, url, ok, check, digits, api, fetchRetry, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  // The refused what-if (comfort factor -1) answers 400 on purpose.
  expectedFailure: (status, path) => status === 400 && path === '/api/v1/plan/summary',
});
const kPlanSummary = /\/api\/v1\/plan\/summary/;
const tileValue = async (id) => digits(await page.textContent(`[data-testid=${id}] .tile-value`));
const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

// Within a generous bound, or a failure naming what did not happen (the timer does not keep node alive).
const within = (promise, what, ms = 60_000) => Promise.race([promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`FAIL: ${what} (waited ${ms / 1000} s)`)), ms).unref())]);

// Holds every plan summary request of the page until the test lets it through.
function holdPlans() {
  const held = [];
  let arrived = () => {};
  const handler = (route) => { held.push(route); arrived(); };
  return {
    held,
    start: () => page.route(kPlanSummary, handler),
    stop: () => page.unroute(kPlanSummary, handler),
    // The n-th held request (1-based), once the page has sent it.
    async nth(n, what) {
      await within((async () => {
        while (held.length < n) await new Promise((resolve) => { arrived = resolve; });
      })(), what);
      return held[n - 1];
    },
  };
}

// Checks the page says the plan is computing (prefix: plan|costs) and shows no figure yet.
async function checkComputing(prefix, figure) {
  await page.waitForSelector(`[data-testid=${prefix}-pending]:not([hidden]) [role=timer]`);
  const status = await page.locator(`[data-testid=${prefix}-status]`);
  check(await status.getAttribute('role') === 'status' && (await status.textContent()).length > 5, `${prefix}: a status says the plan is computing`);
  check(await page.getAttribute(`[data-testid=${prefix}-output]`, 'aria-busy') === 'true', `${prefix}: the figures' place is busy`);
  check(await page.locator(`[data-testid=${figure}]`).count() === 0, `${prefix}: no figure before the plan`);
}

try {
  // Sign in straight onto the Exports page, which asks for no plan: nothing has planned yet.
  await signIn('vera', env('VIEWER_PASSWORD'), '#/exports');
  await page.waitForSelector('[data-testid=export-fleet-csv]');

  // Plan: the form, the scenarios and a "computing" status at once, the figures when the plan comes.
  const hold = holdPlans();
  await hold.start();
  await page.click('a[href="#/plan"]');
  const first = await hold.nth(1, 'the plan page asks for the plan');
  await page.waitForSelector('[data-testid=whatif-comfort_factor]');
  await page.waitForSelector('[data-testid=scenario-list]');
  await checkComputing('plan', 'plan-monthly');
  const configured = await api('/api/v1/plan/parameters');
  check(await page.inputValue('[data-testid=whatif-comfort_factor]') === String(configured.parameters['sizing.comfort_factor']),
    'the form shows the configured comfort factor before any plan');
  check(await page.locator('[data-testid^=whatif-provider-]').count() === configured.providers.length && configured.providers.length > 0,
    'one provider box per catalogued provider');
  check(await page.isEnabled('[data-testid=whatif-submit]'), 'the what-if can be sent while the plan computes');
  // The timer counts: the page is still waiting a second later.
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid=plan-elapsed]')?.textContent ?? ''));
  await screenshot('plan-computing', { fullPage: true });
  await accessible('plan (computing)');
  ok(`the plan page shows its form (${configured.providers.length} providers), scenarios and an elapsed-time status before the plan`);

  await first.continue();
  await page.waitForSelector('[data-testid=plan-monthly]');
  await page.waitForSelector('[data-testid=plan-output]:not([aria-busy])');
  const defaults = await api('/api/v1/plan/summary');
  check(await tileValue('plan-monthly') === Math.round(defaults.totals.monthly_cost), 'monthly total as the API');
  check(await tileValue('plan-waves') === defaults.waves.length, 'waves as the API');
  check(await page.isHidden('[data-testid=plan-pending]'), 'the placeholder is gone');
  ok(`the figures replace the placeholder: ${Math.round(defaults.totals.monthly_cost)} MAD a month, ${defaults.waves.length} waves, as the API`);

  // Costs: the frame and the status at once, the figures when the (held) plan comes.
  await page.click('a[href="#/costs"]');
  const costs = await hold.nth(2, 'the costs page asks for the plan');
  await checkComputing('costs', 'cost-on-premises');
  await accessible('costs (computing)');
  await costs.continue();
  await page.waitForSelector('[data-testid=cost-on-premises]');
  for (const c of ['on-demand', '1y', '3y']) {
    check(await tileValue(`cost-${c}`) === Math.round(defaults.totals.monthly_cost_by_commitment[c]), `cost ${c} as the API`);
  }
  ok('the costs page shows its frame and a status first, then the API\'s figures');

  // Exports: usable while plans are held (the page asks for none); the links are plain downloads.
  await page.click('a[href="#/exports"]');
  await page.waitForSelector('[data-testid=export-fleet-csv]');
  await page.waitForSelector('[data-testid=export-scenarios] p:not([role=status])');
  const links = await page.$$eval('a.download', (as) => as.map((a) => a.getAttribute('href')));
  check(links.length === 8 && links.every((href) => href.startsWith('/api/v1/')), `8 plain download links: ${links}`);
  check(hold.held.length === 2, `the exports page asked for no plan summary (${hold.held.length} held)`);
  const fleetCsv = await page.evaluate(async (href) => (await fetch(href)).status, '/api/v1/fleet?format=csv');
  check(fleetCsv === 200, `a fleet link downloads while plans are held: ${fleetCsv}`);
  ok('the exports page lists its downloads without waiting for a plan');
  await hold.stop();

  // A refused what-if: the API's refusal, no retry (the form is the fix), the last plan kept. The
  // form's own bounds (which refuse -1 before asking) are removed to reach the API.
  await page.click('a[href="#/plan"]');
  await page.waitForSelector('[data-testid=plan-monthly]');
  await page.$eval('[data-testid=whatif-comfort_factor]', (i) => { i.removeAttribute('min'); i.removeAttribute('max'); });
  const refusedBody = page.waitForRequest((r) => kPlanSummary.test(r.url()) && r.method() === 'POST').then((r) => r.postData());
  await page.fill('[data-testid=whatif-comfort_factor]', '-1');
  await page.click('[data-testid=whatif-submit]');
  await page.waitForSelector('[data-testid=plan-error]');
  const refused = await fetchRetry(`${url}/api/v1/plan/summary`, { method: 'POST', body: await refusedBody,
    headers: { Authorization: `Bearer ${env('API_TOKEN')}`, 'Content-Type': 'application/json' } });
  const answer = await refused.json();
  const apiMessage = answer.error;
  const shownError = await page.textContent('[data-testid=plan-error]');
  // The refusal worded in French from the API's code and parameters (its English message is for scripts).
  check(refused.status === 400 && answer.code === 'parameter_range' && answer.params.key === 'sizing.comfort_factor' &&
    answer.params.min === 1 && answer.params.max === 10, `the API's code: ${JSON.stringify(answer)}`);
  check(shownError.endsWith('sizing.comfort_factor : attendu un nombre entre 1 et 10') && !shownError.includes(apiMessage),
    `the API's refusal in French: "${shownError}" vs ${refused.status} "${apiMessage}"`);
  check(await page.locator('[data-testid=plan-retry]').count() === 0, 'no retry for refused parameters');
  check(await tileValue('plan-monthly') === Math.round(defaults.totals.monthly_cost), 'the last plan stays');
  check(await page.isEnabled('[data-testid=whatif-submit]'), 'the form stays usable');
  await accessible('plan (refused what-if)');
  ok(`a refused what-if shows the API's refusal in French: ${shownError}`);

  // A connection that fails: the message and a retry button, which then shows the plan.
  await page.route(kPlanSummary, (route) => route.abort('connectionreset'), { times: 1 });
  await page.fill('[data-testid=whatif-comfort_factor]', String(configured.parameters['sizing.comfort_factor']));
  await page.click('[data-testid=whatif-submit]');
  await page.waitForSelector('[data-testid=plan-retry]');
  check((await page.textContent('[data-testid=plan-error]')).length > 10, 'the failure is explained');
  check(await page.isHidden('[data-testid=plan-pending]'), 'no endless spinner after a failure');
  await screenshot('plan-failed');
  await page.click('[data-testid=plan-retry]');
  await page.waitForSelector('[data-testid=plan-output]:not([aria-busy])');
  check(await page.locator('[data-testid=plan-retry]').count() === 0, 'the retry succeeded');
  check(await tileValue('plan-monthly') === Math.round(defaults.totals.monthly_cost), 'the retried plan as the API');
  ok('a failed connection shows its message and a retry button that recomputes');

  // Two what-ifs in a row, the first answer let through first: the second one's totals win.
  const race = holdPlans();
  await race.start();
  const answered = [];
  page.on('requestfinished', (r) => { if (kPlanSummary.test(r.url())) answered.push(r); });
  page.on('requestfailed', (r) => { if (kPlanSummary.test(r.url())) answered.push(r); });
  await page.fill('[data-testid=whatif-comfort_factor]', '1.6');
  await page.click('[data-testid=whatif-submit]');
  const slow = await race.nth(1, 'the first what-if is sent');
  await page.fill('[data-testid=whatif-comfort_factor]', '2.2');
  await page.click('[data-testid=whatif-submit]');
  const fast = await race.nth(2, 'the second what-if is sent');
  const [firstBody, secondBody] = [slow.request().postData(), fast.request().postData()];
  check(JSON.parse(secondBody).parameters.sizing.comfort_factor === 2.2, `second what-if: ${secondBody}`);
  // The first answer (if the page did not abort its request) comes back first and is ignored.
  await slow.continue().catch(() => undefined);
  await within((async () => {
    while (!answered.includes(slow.request())) await page.waitForTimeout(100);
  })(), 'the first what-if settles');
  check(await page.getAttribute('[data-testid=plan-output]', 'aria-busy') === 'true', 'still computing the second what-if');
  await fast.continue();
  await page.waitForSelector('[data-testid=plan-output]:not([aria-busy])');
  await race.stop();
  const [expectedFirst, expectedSecond] = [await post('/api/v1/plan/summary', firstBody), await post('/api/v1/plan/summary', secondBody)];
  const shown = await tileValue('plan-monthly');
  check(Math.round(expectedFirst.totals.monthly_cost) !== Math.round(expectedSecond.totals.monthly_cost), 'the two what-ifs differ');
  check(shown === Math.round(expectedSecond.totals.monthly_cost), `the second what-if shown: ${shown} vs ${expectedSecond.totals.monthly_cost}`);
  check(await page.inputValue('[data-testid=whatif-comfort_factor]') === '2.2', 'the form keeps the second what-if');
  const fate = slow.request().failure() ? `aborted by the page: ${slow.request().failure().errorText}` : 'answered, ignored';
  ok(`two what-ifs in a row end on the second one's totals (${shown} MAD, not ${Math.round(expectedFirst.totals.monthly_cost)}; the first ${fate})`);
  finish();
} finally {
  await context.close();
}
