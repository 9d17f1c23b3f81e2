// The Costs page's on-premises model in real Chromium (harness: webui_harness.mjs): the breakdown
// by category, the plausibility warnings and the business case as the API gives them, then an
// assumption edited on the page and sent as a what-if. Env: as webui_harness.mjs, plus
// PLANNER_PASSWORD.
import { env, ok, check, digits, api, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({});
const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const tileValue = async (id) => digits(await page.textContent(`[data-testid=${id}] .tile-value`));

try {
  await signIn('paula', env('PLANNER_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  await page.click('a[href="#/costs"]');
  await page.waitForSelector('[data-testid=on-premises-breakdown]', { timeout: 120000 });
  const defaults = await api('/api/v1/plan/summary');

  // Breakdown: one bar per category, the per-server figure as the API.
  const categories = Object.keys(defaults.on_premises_model.by_category);
  check(categories.length === 9, `nine categories: ${categories}`);
  check(await page.locator('[data-testid=on-premises-bars] .bar-row').count() === categories.length, 'one bar per category');
  check(digits(await page.textContent('[data-testid=per-server]')) === Math.round(defaults.on_premises_model.per_server_monthly),
    'per-server cost as the API');
  ok('the on-premises breakdown by category is shown as the API gives it');

  // Business case: the chart (uPlot draws a canvas), the break-even tile, one table row per month.
  await page.waitForSelector('[data-testid=business-case-chart] canvas');
  const bc = defaults.business_case;
  check(bc.months.length >= 12, 'a business case of at least 12 months');
  check(await page.locator('[data-testid=business-case-table] tbody tr').count() === bc.months.length, 'one row per month');
  const breakEven = await page.textContent('[data-testid=break-even] .tile-value');
  check(bc.break_even_month ? breakEven.includes(bc.break_even_date) : !/\d/.test(breakEven), `break-even tile: ${breakEven}`);
  check(await page.locator('[data-testid=cost-warnings] li').count() === defaults.warnings.length, 'warnings as the API');
  await screenshot('costs-model', { fullPage: true });
  await accessible('costs-model');
  ok(`the business-case chart and the break-even (${breakEven}) are shown; ${defaults.warnings.length} warning(s)`);

  // An assumption edited: storage at 20 MAD per GB-month for every tier (the old Azure default,
  // 2 USD) makes on premises implausible; the page sends it as a what-if and shows the warnings.
  await page.fill('[data-testid="assumption-on_premises.storage_per_gb_month"]', '20');
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/plan/summary') && r.method() === 'POST');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/plan/summary') && r.request().method() === 'POST');
  await page.click('[data-testid=assumptions-apply]');
  const body = JSON.parse((await sent).postData());
  check(body.parameters?.on_premises?.storage_per_gb_month === 20, `what-if sent: ${JSON.stringify(body.parameters?.on_premises)}`);
  await answered;
  await page.waitForSelector('[data-testid=costs-output]:not([aria-busy]) [data-testid=cost-warnings] li');
  const expected = await post('/api/v1/plan/summary', { parameters: body.parameters });
  check(await tileValue('cost-on-premises') === Math.round(expected.totals.on_premises_monthly_cost), 'on premises as the API for the what-if');
  check(expected.totals.on_premises_monthly_cost > defaults.totals.on_premises_monthly_cost * 2, 'storage at 20 MAD/GB costs far more');
  const warned = await page.locator('[data-testid=cost-warnings] li').allTextContents();
  check(warned.length === expected.warnings.length && warned.some((w) => w.includes('on_premises.storage_per_gb_month')),
    `warnings name the assumption: ${warned.slice(0, 3).join(' | ')}`);
  check(await page.inputValue('[data-testid="assumption-on_premises.storage_per_gb_month"]') === '20', 'the form keeps the edited value');
  check(/simulation|what-if/.test(await page.textContent('[data-testid=costs-of]')), 'the page says it shows a what-if');
  await screenshot('costs-what-if', { fullPage: true });
  ok(`an edited assumption recomputes the plan: ${warned.length} plausibility warning(s) naming on_premises.storage_per_gb_month`);

  // Back to the configured values.
  await page.click('[data-testid=assumptions-reset]');
  await page.waitForFunction(() => document.querySelector('[data-testid="assumption-on_premises.storage_per_gb_month"]')?.value === '0');
  ok('reset returns to the configured assumptions');
  finish();
} finally {
  await context.close();
}
