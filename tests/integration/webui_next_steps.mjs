// The Overview's next steps on the demo fleet (issue 23): each step's count equals the API's, and
// its link opens the Hosts list (or the plan) filtered to exactly the servers it counts; the plan's
// amounts are compact in the tiles and exact on hover.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD.
import { env, ok, check, digits, api, planApi, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser();
// Every plan summary the page was given, in order (202 "computing" answers left out).
const pagePlans = [];
page.on('response', (r) => {
  if (new URL(r.url()).pathname === '/api/v1/plan/summary' && r.status() === 200) pagePlans.push(r.json());
});
const stepCount = async (id) => digits(await page.textContent(`[data-testid=step-${id}] .step-count`));
const shownCount = async () => Number(await page.getAttribute('[data-testid=hosts-count]', 'data-shown'));

// Follows a step's link from the Overview; the Hosts list must show `want` servers, filtered by
// `filter` (select test id -> value) in the address and the form alike.
async function followStep(id, want, filter) {
  await page.goto(`${env('URL')}/#/`);
  await page.click(`[data-testid=step-${id}] a`);
  await page.waitForSelector('[data-testid=hosts-table]');
  for (const [name, value] of Object.entries(filter)) {
    await page.waitForSelector(`[data-testid=filter-${name}]:not([disabled])`, { timeout: 60000 });
    check(await page.inputValue(`[data-testid=filter-${name}]`) === value, `${id}: filter ${name} = ${value}`);
    check(decodeURIComponent(await page.evaluate(() => location.hash)).includes(`${name}=${value}`), `${id}: address`);
  }
  await page.waitForFunction((n) => document.querySelector('[data-testid=hosts-count]')?.dataset.shown === String(n),
    want, { timeout: 30000 }).catch(() => undefined);
  check(await shownCount() === want, `${id}: the list shows ${await shownCount()} servers, the step counts ${want}`);
}

try {
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=next-steps]');
  const summary = await api('/api/v1/fleet/summary');
  const agents = summary.agents.reporting + summary.agents.stale;
  check(agents >= 1 && summary.hosts > agents, `demo fleet: ${summary.hosts} hosts, ${agents} agents`);
  check(await stepCount('no-agent') === summary.hosts - agents, 'servers without an agent');
  check(summary.end_of_life.ended > 0, 'the demo fleet has systems past their end of support');
  check(await stepCount('eol') === summary.end_of_life.ended, 'systems past end of support');
  check(await page.$('[data-testid=step-silent]') === null || summary.agents.stale > 0, 'no silent step without silent agents');
  ok(`the next steps count ${summary.hosts - agents} servers without an agent and ${summary.end_of_life.ended} ` +
    'past their end of support, as the fleet summary does');

  const plan = await planApi('/api/v1/plan/summary');
  const groups = await planApi('/api/v1/plan/groups');
  const toConfirm = plan.totals.retire_to_confirm;
  check(groups.retire_to_confirm.length === toConfirm, `plan groups list the ${toConfirm} retirements to confirm`);
  const planSteps = [['confirm', toConfirm], ['unmet', plan.violations.total]];
  for (const [id, want] of planSteps) {
    if (want === 0) continue;
    await page.waitForSelector(`[data-testid=step-${id}]`, { timeout: 60000 });
    check(await stepCount(id) === want, `${id}: ${await stepCount(id)} vs ${want}`);
  }
  check(planSteps.some(([, n]) => n > 0), `the plan gives a step: ${JSON.stringify(planSteps)}`);
  ok(`the plan's steps: ${toConfirm} retirements to confirm, ${plan.violations.total} unmet constraints`);

  // Amounts: compact in the tiles ("41,0 M MAD"), exact on hover.
  await page.waitForSelector('[data-testid=plan-cloud]');
  const tileText = (await page.textContent('[data-testid=plan-cloud] .tile-value')).replace(/\s/g, ' ');
  const exact = await page.getAttribute('[data-testid=plan-cloud]', 'title');
  check(/^\d+,\d (k|M|Md) MAD$/.test(tileText.replace(/\u202f/g, ' ')), `compact French amount: "${tileText}"`);
  // The real agent keeps pushing, so the plan is recomputed while the test runs: the tile must show
  // the plan the page itself was given, whichever one that was.
  const pageCost = Math.round((await pagePlans.at(-1)).totals.monthly_cost);
  check(digits(exact) === pageCost, `exact amount on hover: ${exact}, the page was given ${pageCost}`);
  ok(`the cloud cost tile reads "${tileText}", "${exact}" on hover`);
  await screenshot('overview-next-steps', { fullPage: true });
  await accessible('overview');

  const imported = summary.by_source.import ?? 0;
  await followStep('no-agent', imported, { source: 'import' });
  await followStep('eol', summary.end_of_life.ended, { eol: 'ended' });
  const endedSystems = new Set(summary.by_os.filter((os) => os.status === 'ended').map((os) => os.name));
  const systems = await page.$$eval('[data-testid=hosts-table] td.col-os', (cells) => cells.map((c) => c.textContent));
  check(systems.length > 0 && systems.every((os) => endedSystems.has(os)), `only ended systems listed: ${[...new Set(systems)]}`);
  await screenshot('hosts-end-of-support');
  await accessible('hosts');
  if (toConfirm > 0) await followStep('confirm', toConfirm, { strategy: 'to-confirm' });
  if (plan.violations.total > 0) {
    await page.goto(`${env('URL')}/#/`);
    await page.click('[data-testid=step-unmet] a');
    await page.waitForSelector('[data-testid=warnings]', { timeout: 60000 });
  }
  ok('each step links to the list that resolves it: servers without an agent, past end of support, ' +
    'retirements to confirm (Hosts, filtered) and unmet constraints (the plan\'s warnings)');
  finish();
} finally {
  await context.close();
}
