// The sign-in, Overview, Hosts and Host pages in real Chromium (harness: webui_harness.mjs).
// Env: as webui_harness.mjs, plus VIEWER_PASSWORD.
import { env, url, ok, check, digits, api, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  expectedFailure: (status, path) => status === 403 && path === '/api/v1/import',
});

try {
  // A wrong password is refused and leaves the sign-in form up.
  await signIn('vera', 'not-the-password');
  await page.waitForSelector('[data-testid=login-error]:not(:empty)');
  check((await page.textContent('[data-testid=login-error]')).includes('Identifiants refusés'), 'French refusal');
  await screenshot('login-refused');
  await accessible('sign-in');
  ok('a wrong password is refused');

  const started = Date.now();
  await signIn('vera', env('VIEWER_PASSWORD'));
  await page.waitForSelector('[data-testid=total-hosts]');
  const overviewMs = Date.now() - started;
  const fleet = await api('/api/v1/fleet');
  const stale = await api('/api/v1/hosts?state=stale&limit=1');
  const cores = fleet.hosts.reduce((sum, h) => sum + (h.cpu?.cores ?? 0), 0);
  check(digits(await page.textContent('[data-testid=total-hosts] .tile-value')) === fleet.hosts.length, 'hosts total');
  check(digits(await page.textContent('[data-testid=total-cores] .tile-value')) === cores, 'cores total');
  check(digits(await page.textContent('[data-testid=total-stale] .tile-value')) === stale.total, 'stale total');
  // Five generated regions, and the agent host (no region label) counted as unknown.
  const regionRows = await page.$$eval('[data-testid=by-region] .bar-row', (rows) => rows.map((r) => r.textContent));
  check(regionRows.length === 6 && regionRows.includes('inconnu1'), `regions: ${regionRows}`);
  await screenshot('overview', { fullPage: true });
  await accessible('overview');
  ok(`the overview shows the API's numbers (${fleet.hosts.length} hosts, ${cores} cores; ` +
    `sign-in to overview in ${overviewMs} ms)`);

  const hostsStarted = Date.now();
  await page.click('a[href="#/hosts"]');
  await page.waitForSelector('[data-testid=hosts-table] tbody tr');
  const hostsMs = Date.now() - hostsStarted;
  const before = await page.getAttribute('[data-testid=hosts-count]', 'data-shown');
  check(Number(before) === fleet.hosts.length, `all hosts listed: ${before}`);
  const region = 'Souss-Massa';
  const expected = (await api(`/api/v1/hosts?label=${encodeURIComponent(`region=${region}`)}&limit=1`)).total;
  await page.selectOption('[data-testid=filter-region]', region);
  const after = await page.getAttribute('[data-testid=hosts-count]', 'data-shown');
  check(Number(after) === expected && expected < fleet.hosts.length, `filter: ${after} vs ${expected}`);
  const regions = await page.$$eval('[data-testid=hosts-table] td.col-region', (cells) => [...new Set(cells.map((c) => c.textContent))]);
  check(regions.length === 1 && regions[0] === region, `only ${region} rows: ${regions}`);
  await screenshot('hosts-filtered');
  await accessible('hosts');
  ok(`the region filter narrows the table to ${expected} hosts (hosts page shown in ${hostsMs} ms)`);

  await page.selectOption('[data-testid=filter-region]', '');
  await page.fill('[data-testid=search]', 'srv-00000');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=hosts-table] tbody tr').length === 1);
  const hostile = await page.textContent('[data-testid=hosts-table] tbody td.col-hostname');
  check(hostile.startsWith('<img src=x'), `the hostile name shows as text: ${hostile}`);
  check(await page.evaluate(() => document.querySelectorAll('main img').length === 0 && !window.sahabXss), 'no injected element');
  ok('search finds a host; hostile markup in data is shown as text');

  await page.click('[data-testid=hosts-table] tbody td.col-hostname a');
  await page.waitForSelector('[data-testid=percentiles]');
  check((await page.textContent('[data-testid=host-name]')).startsWith('<img'), 'host page title as text');
  check((await page.textContent('[data-testid=inventory]')).includes('x86_64'), 'imported inventory shown');
  await screenshot('host', { fullPage: true });
  ok('the host page shows labels, percentiles and inventory');

  await page.goto(`${url}/#/hosts/agent-01`);
  await page.waitForSelector('[data-testid=percentiles]');
  await page.waitForSelector('.chart canvas');
  const from = Math.floor(Date.now() / 1000) - 7 * 86400;
  const usage = await api(`/api/v1/hosts/agent-01/utilisation?metric=cpu_ratio&from=${from}`);
  const shown = await page.textContent('[data-testid=percentiles] tr[data-metric=cpu_ratio] td:nth-child(4)');
  check(digits(shown) === digits(String(Number((usage.window.p95 * 100).toFixed(1)))), `cpu p95 ${shown} vs ${usage.window.p95}`);
  await screenshot('host-agent', { fullPage: true });
  await accessible('host');
  ok(`an agent host shows its measured p95 (${shown}) and a uPlot chart`);

  // The viewer reads but cannot write, even with the CSRF token the page holds.
  const write = await page.evaluate(async () => {
    const session = await (await fetch('/api/v1/session')).json();
    const post = (headers) => fetch('/api/v1/import', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ format: 'sahab-fleet/1', hosts: [] }) }).then((r) => r.status);
    return { role: session.role, withCsrf: await post({ 'X-CSRF-Token': session.csrf_token }), withoutCsrf: await post({}) };
  });
  check(write.role === 'viewer' && write.withCsrf === 403 && write.withoutCsrf === 403, `viewer write: ${JSON.stringify(write)}`);
  ok('a viewer cannot write');

  await page.selectOption('[data-testid=language]', 'en');
  await page.waitForSelector('header a[href="#/hosts"]:text("Hosts")');
  await page.waitForSelector('[data-testid=percentiles]');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  check((await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status))) === 401, 'signed out');
  await screenshot('signed-out-english');
  ok('English switch and sign-out');

  finish();
} finally {
  await context.close();
}
