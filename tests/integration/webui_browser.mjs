// Drives the web UI in Debian's headless Chromium through playwright-core (no browser download).
// Usage: node webui_browser.mjs   (env: URL, API_TOKEN, VIEWER_PASSWORD, ADMIN_PASSWORD,
//        SAHAB_WEBUI_NODE_MODULES, SCREENSHOTS, PROFILE_DIR)
// Prints "ok: ..." per check and exits non-zero on the first failure.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
const url = env('URL');
const shots = env('SCREENSHOTS');
mkdirSync(shots, { recursive: true });
const requireModule = createRequire(join(env('SAHAB_WEBUI_NODE_MODULES'), 'noop.js'));
const { chromium } = requireModule('playwright-core');
const axeSource = readFileSync(requireModule.resolve('axe-core/axe.min.js'), 'utf8');

let passed = 0;
const ok = (what) => { console.log(`ok: ${what}`); passed++; };
const check = (condition, what) => { if (!condition) throw new Error(`FAIL: ${what}`); };
const digits = (text) => Number((text ?? '').replace(/\D/g, ''));

async function api(path) {
  const response = await fetch(url + path, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } });
  check(response.ok, `${path}: HTTP ${response.status}`);
  return response.json();
}

const context = await chromium.launchPersistentContext(env('PROFILE_DIR'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
});
const errors = [];
const page = context.pages()[0] ?? (await context.newPage());
// Chromium logs every 4xx as a console error: HTTP failures are checked by status below instead.
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
});
// The only failures expected: no session yet or any more (401 on session/login), refused writes.
const badResponses = [];
page.on('response', (r) => {
  const path = new URL(r.url()).pathname;
  const expected = (r.status() === 401 && ['/api/v1/session', '/api/v1/login'].includes(path)) ||
    (r.status() === 403 && path === '/api/v1/import');
  if (r.status() >= 400 && !expected) badResponses.push(`${r.status()} ${path}`);
});
page.on('pageerror', (e) => errors.push(String(e)));
// Nothing but the collector: no CDN, no other origin.
const foreign = [];
page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });

// axe-core on the current page (evaluated through the DevTools protocol, which the page's CSP
// does not govern); fails on serious or critical violations.
const axeSummary = [];
async function accessible(name) {
  await page.evaluate(axeSource);
  const { violations, passes } = await page.evaluate(async () => {
    const result = await window.axe.run(document);
    return {
      passes: result.passes.length,
      violations: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target}`),
    };
  });
  check(passes > 5, `axe ran no rule on ${name}`);
  check(violations.length === 0, `axe on ${name}: ${violations.join(' | ')}`);
  axeSummary.push(`${name} (${passes} rules passed)`);
}

async function signIn(user, password) {
  await page.goto(`${url}/`);
  await page.fill('[data-testid=login-user]', user);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
}

try {
  // A wrong password is refused and leaves the sign-in form up.
  await signIn('vera', 'not-the-password');
  await page.waitForSelector('[data-testid=login-error]:not(:empty)');
  check((await page.textContent('[data-testid=login-error]')).includes('Identifiants refusés'), 'French refusal');
  await page.screenshot({ path: join(shots, 'login-refused.png') });
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
  await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
  await accessible('overview');
  ok(`the overview shows the API's numbers (${fleet.hosts.length} hosts, ${cores} cores; ` +
    `sign-in to overview in ${overviewMs} ms)`);

  const hostsStarted = Date.now();
  await page.click('a[href="#/hosts"]');
  await page.waitForSelector('[data-testid=hosts-table] tbody tr');
  const hostsMs = Date.now() - hostsStarted;
  const before = await page.textContent('[data-testid=hosts-count]');
  check(digits(before.split(' ')[0]) === fleet.hosts.length, `all hosts listed: ${before}`);
  const region = 'Souss-Massa';
  const expected = (await api(`/api/v1/hosts?label=${encodeURIComponent(`region=${region}`)}&limit=1`)).total;
  await page.selectOption('[data-testid=filter-region]', region);
  const after = await page.textContent('[data-testid=hosts-count]');
  check(digits(after.split(/\s/)[0]) === expected && expected < fleet.hosts.length, `filter: ${after} vs ${expected}`);
  const regions = await page.$$eval('[data-testid=hosts-table] td.col-region', (cells) => [...new Set(cells.map((c) => c.textContent))]);
  check(regions.length === 1 && regions[0] === region, `only ${region} rows: ${regions}`);
  await page.screenshot({ path: join(shots, 'hosts-filtered.png') });
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
  await page.screenshot({ path: join(shots, 'host.png'), fullPage: true });
  ok('the host page shows labels, percentiles and inventory');

  await page.goto(`${url}/#/hosts/agent-01`);
  await page.waitForSelector('[data-testid=percentiles]');
  await page.waitForSelector('.chart canvas');
  const from = Math.floor(Date.now() / 1000) - 7 * 86400;
  const usage = await api(`/api/v1/hosts/agent-01/utilisation?metric=cpu_ratio&from=${from}`);
  const shown = await page.textContent('[data-testid=percentiles] tr[data-metric=cpu_ratio] td:nth-child(4)');
  check(digits(shown) === digits(String(Number((usage.window.p95 * 100).toFixed(1)))), `cpu p95 ${shown} vs ${usage.window.p95}`);
  await page.screenshot({ path: join(shots, 'host-agent.png'), fullPage: true });
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

  await page.click('[data-testid=language]');
  await page.waitForSelector('header a[href="#/hosts"]:text("Hosts")');
  await page.waitForSelector('[data-testid=percentiles]');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  check((await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status))) === 401, 'signed out');
  await page.screenshot({ path: join(shots, 'signed-out-english.png') });
  ok('English switch and sign-out');

  ok(`axe-core: no serious or critical violation on ${axeSummary.join(', ')}`);
  check(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  check(badResponses.length === 0, `unexpected HTTP failures: ${badResponses.join(' ')}`);
  check(foreign.length === 0, `requests to other origins: ${foreign.join(' ')}`);
  ok('no console error, no unexpected HTTP failure, no request leaves the collector');
  console.log(`${passed} passed, 0 failed`);
} finally {
  await context.close();
}
