// Overview, Hosts (strategy filter), Host, Dependencies and Agents pages in real Chromium
// (harness: webui_harness.mjs). Numbers on the pages are compared with the API's.
// Env: as webui_harness.mjs, plus VIEWER_PASSWORD and ADMIN_PASSWORD.
import { env, url, ok, check, digits, api, planApi, fetchRetry, openBrowser } from './webui_harness.mjs';

// Before the planner's endpoints exist (or while they do not), plan checks are skipped, loudly.
const hasPlan = (await fetchRetry(`${url}/api/v1/plan/summary`, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } })).status !== 404;
const hasInstallInfo = (await fetchRetry(`${url}/api/v1/install-info`, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } })).status === 200;

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  expectedFailure: (status, path) => (status === 403 && path === '/api/v1/enrolment-tokens') ||
    (status === 404 && path === '/api/v1/install-info' && !hasInstallInfo) ||
    (status === 404 && path.startsWith('/api/v1/plan') && !hasPlan),
});
const text = (selector) => page.textContent(selector);

try {
  // Overview: tiles and end of life equal the summary, and the summary equals the full fleet.
  let started = Date.now();
  await signIn('vera', env('VIEWER_PASSWORD'));
  await page.waitForSelector('[data-testid=total-hosts]');
  const overviewMs = Date.now() - started;
  const summary = await api('/api/v1/fleet/summary');
  const fleet = await api('/api/v1/fleet');
  const stale = await api('/api/v1/hosts?state=stale&limit=1');
  const cores = fleet.hosts.reduce((sum, h) => sum + (h.cpu?.cores ?? 0), 0);
  check(summary.hosts === fleet.hosts.length && summary.cores === cores && summary.stale === stale.total,
    `summary vs fleet: ${summary.hosts}/${fleet.hosts.length} hosts, ${summary.cores}/${cores} cores`);
  check(digits(await text('[data-testid=total-hosts] .tile-value')) === fleet.hosts.length, 'hosts tile');
  check(digits(await text('[data-testid=total-cores] .tile-value')) === cores, 'cores tile');
  check(digits(await text('[data-testid=total-stale] .tile-value')) === stale.total, 'stale tile');
  check(digits(await text('[data-testid=total-reporting] .tile-value')) === summary.agents.reporting, 'reporting tile');
  for (const status of ['ended', 'ending_soon', 'supported', 'unknown']) {
    const shown = digits(await text(`[data-testid=eol-${status}] .bar-count`));
    check(shown === summary.end_of_life[status], `end of life ${status}: ${shown} vs ${summary.end_of_life[status]}`);
  }
  check(summary.end_of_life.ended === 3, `three hosts past their end of support: ${summary.end_of_life.ended}`);
  const regionRows = await page.$$eval('[data-testid=by-region] .bar-row', (rows) => rows.length);
  check(regionRows === summary.by_region.length, 'one bar per region');
  ok(`the overview's tiles and end-of-life counts equal the API's (${fleet.hosts.length} hosts; ` +
    `sign-in to overview in ${overviewMs} ms)`);

  let plan = null;
  if (hasPlan) {
    const planSummary = await planApi('/api/v1/plan/summary');
    plan = await planApi('/api/v1/plan/groups');
    await page.waitForSelector('[data-testid=strategy-rehost]', { timeout: 30000 });
    for (const s of ['rehost', 'replatform', 'retire', 'retain']) {
      const want = planSummary.strategies?.[s] ?? planSummary.totals?.[s];
      const shown = digits(await text(`[data-testid=strategy-${s}] .bar-count`));
      check(shown === want, `strategy ${s}: ${shown} vs ${want}`);
    }
    // The tile rounds ("41,0 M MAD"); the exact amount is on hover.
    check(digits(await page.getAttribute('[data-testid=plan-cloud] .tile-value', 'data-exact')) ===
      Math.round(planSummary.totals.monthly_cost), 'cloud monthly cost');
    ok('the overview shows the plan summary\'s strategies and monthly costs');
  } else {
    check((await text('[data-testid=plan-panel]')).length > 0, 'plan placeholder');
    ok('SKIPPED plan checks: this collector has no /api/v1/plan/summary');
  }
  await screenshot('overview', { fullPage: true });
  await accessible('overview');

  // Hosts: the strategy filter narrows the table to the plan's count.
  started = Date.now();
  await page.click('a[href="#/hosts"]');
  await page.waitForSelector('[data-testid=hosts-table] tbody tr');
  const hostsMs = Date.now() - started;
  if (hasPlan) {
    await page.waitForSelector('[data-testid=filter-strategy]:not([disabled])', { timeout: 30000 });
    // The rarest strategy the plan uses: a real narrowing.
    const counts = {};
    for (const s of plan.hosts.strategy) counts[s] = (counts[s] ?? 0) + 1;
    const [strategy, want] = Object.entries(counts).sort((a, b) => a[1] - b[1])[0];
    check(want < fleet.hosts.length, `the plan uses more than one strategy: ${JSON.stringify(counts)}`);
    const filterStarted = Date.now();
    await page.selectOption('[data-testid=filter-strategy]', strategy);
    const filterMs = Date.now() - filterStarted;
    const shown = Number(await page.getAttribute('[data-testid=hosts-count]', 'data-shown'));
    check(shown === want, `strategy filter: ${shown} vs ${want}`);
    const strategies = await page.$$eval('[data-testid=hosts-table] td.col-strategy', (c) => [...new Set(c.map((x) => x.textContent))]);
    check(strategies.length <= 1, `one strategy shown: ${strategies}`);
    await screenshot('hosts-strategy');
    ok(`the strategy filter narrows the table to the plan's ${want} ${strategy} hosts in ${filterMs} ms ` +
      `(hosts page in ${hostsMs} ms)`);
    await page.selectOption('[data-testid=filter-strategy]', '');
  }
  await accessible('hosts');

  // Host: dependencies in and out equal the API's; the recommendation equals the plan's.
  await page.goto(`${url}/#/hosts/srv-00011`);
  await page.waitForSelector('[data-testid=deps-in]');
  const deps = (await api('/api/v1/dependencies?host=srv-00011')).edges;
  const inbound = await page.$$eval('[data-testid=deps-in] tbody tr', (r) => r.map((x) => x.dataset.peer).sort());
  const outbound = await page.$$eval('[data-testid=deps-out] tbody tr', (r) => r.map((x) => x.dataset.peer).sort());
  check(JSON.stringify(inbound) === JSON.stringify(deps.filter((e) => e.target === 'srv-00011').map((e) => e.source).sort()),
    `inbound ${inbound}`);
  check(JSON.stringify(outbound) === JSON.stringify(deps.filter((e) => e.source === 'srv-00011').map((e) => e.target).sort()),
    `outbound ${outbound}`);
  ok(`the host page lists the API's dependencies (in: ${inbound}; out: ${outbound})`);
  if (hasPlan) {
    const { host: rec } = await planApi('/api/v1/plan/hosts/srv-00011');
    await page.waitForSelector('[data-testid=rec-strategy]', { timeout: 30000 });
    check(await page.getAttribute('[data-testid=rec-strategy]', 'data-strategy') === rec.strategy, 'recommended strategy');
    check(await text('[data-testid=rec-confidence]') === `${rec.confidence} / 5`, 'confidence');
    check(digits(await text('[data-testid=rec-cost]')) === Math.round(rec.monthly_cost), 'monthly cost');
    // The plan's reasons, each worded from its message (French here: never the planner's English).
    const reasons = await page.$$eval('[data-testid=rec-reasons] li', (li) => li.map((x) => [x.dataset.key, x.textContent]));
    check(JSON.stringify(reasons.map(([key]) => key)) === JSON.stringify(rec.reason_messages.map((m) => m.key)), `reasons ${reasons}`);
    check(reasons.every(([, text], i) => text && text !== rec.reasons[i]), `reasons in French ${reasons}`);
    ok(`the host page shows the plan's recommendation (${rec.strategy}, confidence ${rec.confidence}, ${reasons.length} reasons)`);
    // The confidence's factors: one row per factor of the plan, in its order, with its effect;
    // 5 plus the effects, kept within 1..5, is the score shown.
    const factors = await page.$$eval('[data-testid=rec-confidence-factors] tbody tr',
      (r) => r.map((x) => ({ name: x.dataset.factor, effect: Number(x.dataset.effect), cells: x.children.length })));
    const wanted = (rec.confidence_factors ?? []).map((f) => ({ name: f.name, effect: f.effect, cells: 3 }));
    check(wanted.length > 0, 'the plan lists confidence factors');
    check(JSON.stringify(factors) === JSON.stringify(wanted), `confidence factors ${JSON.stringify(factors)}`);
    const sum = Math.min(5, Math.max(1, 5 + factors.reduce((a, f) => a + f.effect, 0)));
    check(sum === rec.confidence, `factors add up to ${sum}, confidence ${rec.confidence}`);
    check((await text('[data-testid=rec-confidence-factors] thead')).length > 0, 'factor table heading');
    ok(`the host page shows what the confidence rests on (${factors.map((f) => `${f.name} ${f.effect}`).join(', ')})`);
  }
  await screenshot('host-dependencies', { fullPage: true });

  // An agent host: CPU and memory charts (disk and network, never pushed, say so); the window
  // chooser reloads them.
  await page.goto(`${url}/#/hosts/agent-01`);
  await page.waitForSelector('[data-testid=chart-memory] canvas');
  check((await page.$$('.chart canvas')).length === 2, 'CPU and memory charts');
  check(await page.$('[data-testid=chart-network-empty]') !== null, 'no network chart without network measurements');
  await page.selectOption('[data-testid=window]', '24h');
  await page.waitForSelector('[data-testid=utilisation][data-window="24h"] [data-testid=chart-cpu] canvas');
  const from = Math.floor(Date.now() / 1000) - 86400;
  const usage = await api(`/api/v1/hosts/agent-01/utilisation?metric=cpu_ratio&from=${from}`);
  const p95 = await text('[data-testid=percentiles] tr[data-metric=cpu_ratio] td:nth-child(4)');
  check(digits(p95) === digits(String(Number((usage.window.p95 * 100).toFixed(1)))), `24 h p95 ${p95} vs ${usage.window.p95}`);
  await screenshot('host-agent-24h', { fullPage: true });
  await accessible('host');
  ok(`an agent host shows CPU and memory charts; the 24 h window shows the API's p95 (${p95})`);

  // Dependencies: a host's neighbourhood drawn by Cytoscape shows the API's neighbours.
  started = Date.now();
  await page.goto(`${url}/#/dependencies/srv-00011`);
  await page.waitForSelector('[data-testid=graph][data-ready=true] canvas');
  const graphMs = Date.now() - started;
  const nodes = await page.$$eval('[data-testid=graph-nodes] li', (li) => li.map((x) => x.dataset.node).sort());
  const neighbours = [...new Set(['srv-00011', ...deps.flatMap((e) => [e.source, e.target])])].sort();
  check(JSON.stringify(nodes) === JSON.stringify(neighbours), `graph nodes ${nodes} vs ${neighbours}`);
  await page.click('[data-testid="zoom-+"]');
  await screenshot('dependencies-host');
  await accessible('dependencies');
  ok(`the dependency graph of srv-00011 shows the API's ${neighbours.length - 1} neighbours (${graphMs} ms)`);
  if (hasPlan) {
    await page.goto(`${url}/#/dependencies/srv-00020`);
    await page.waitForSelector('[data-testid=graph][data-ready=true] canvas');
    const role = await page.getAttribute('[data-testid=graph-nodes] li[data-node=srv-00020]', 'data-role');
    const shared = (plan.shared_infrastructure ?? []).includes('srv-00020');
    check((role === 'shared') === shared, `srv-00020 shown as ${role}, plan says shared=${shared}`);
    await page.goto(`${url}/#/dependencies`);
    await page.waitForSelector('[data-testid=graph-title]');
    const cut = await page.$$eval('[data-testid=graph-edges] li[data-cut=true]', (li) => li.length);
    await screenshot('dependencies-group');
    ok(`shared infrastructure is shown apart as the plan marks it (srv-00020: ${role}); the largest move group ` +
      `is drawn with ${cut} cut edges highlighted`);
  }

  // Agents, as a viewer: install steps and stale agents, no token section, and the API refuses.
  await page.goto(`${url}/#/agents`);
  await page.waitForSelector('[data-testid=stale-agents]');
  check(await page.$('[data-testid=tokens]') === null, 'no token section for a viewer');
  // The collector listens on loopback; the command is built on its public_url (webui_fleet_pages.sh).
  const command = await text(hasInstallInfo ? '[data-testid=install-command]' : '[data-testid=install-manual]');
  check(command.includes(hasInstallInfo ? 'https://sahab.example.ma/install.sh' : '--collector.url https://sahab.example.ma'),
    `install command: ${command}`);
  check(await page.$('[data-testid=install-derived]') === null, 'no warning with public_url set');
  // Beside it, the PowerShell one-liner for Windows servers, from the MSI the collector serves.
  const windows = await text('[data-testid=install-windows-command]');
  check(windows.includes('https://sahab.example.ma/downloads/sahab-agent-0.1.0-x64.msi') &&
    windows.includes("'COLLECTOR_URL=https://sahab.example.ma', 'ENROLMENT_TOKEN=<TOKEN>'"),
  `Windows install command: ${windows}`);
  const forced = await page.evaluate(async () => {
    const { csrf_token: csrf } = await (await fetch('/api/v1/session')).json();
    const post = await fetch('/api/v1/enrolment-tokens', { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ name: 'x' }) });
    const list = await fetch('/api/v1/enrolment-tokens');
    return [post.status, list.status];
  });
  check(forced[0] === 403 && forced[1] === 403, `viewer forcing the token API: ${forced}`);
  await screenshot('agents-viewer', { fullPage: true });
  await accessible('agents');
  ok(`a viewer sees how to install an agent but no token section, and a forced POST is ${forced[0]}`);

  // Agents, as an admin: make a token, see it once, revoke it.
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=total-hosts]');
  await page.goto(`${url}/#/agents`);
  await page.waitForSelector('[data-testid=tokens]');
  await page.fill('[data-testid=token-name]', 'Agadir <b>batch</b>');
  await page.selectOption('[data-testid=token-expiry]', '30d');
  await page.click('[data-testid=token-create]');
  await page.waitForSelector('[data-testid=new-token] code');
  const token = (await text('[data-testid=new-token] code')).trim();
  check(/^[0-9a-f]{64}$/.test(token), `token shown once: ${token}`);
  check((await text('[data-testid=new-token-command] code')).includes(token), 'the command carries the token');
  const listed = (await api('/api/v1/enrolment-tokens')).tokens;
  check(listed.length === 1 && listed[0].name === 'Agadir <b>batch</b>' && listed[0].created_by === 'ada' &&
    !JSON.stringify(listed).includes(token), `listed: ${JSON.stringify(listed)}`);
  await page.waitForSelector(`[data-testid=tokens-table] tr[data-token="${listed[0].id}"][data-state=live]`);
  const enrol = await fetchRetry(`${url}/api/v1/enrol`, { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ host_id: 'new-agent', hostname: 'new-agent' }) });
  check(enrol.status === 201, `enrol with the new token: ${enrol.status}`);
  // The same host id again with the token only: a pending request the admin approves on the page.
  const claim = await fetchRetry(`${url}/api/v1/enrol`, { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ host_id: 'new-agent', hostname: 'new-agent',
    request_secret: 'browser-test-secret-0123456789' }) });
  check(claim.status === 202, `re-enrol with the token only: ${claim.status}`);
  const requestId = (await claim.json()).request_id;
  await page.reload();
  await page.waitForSelector(`[data-testid=pending-enrolments-table] tr[data-request="${requestId}"][data-state=pending]`);
  await page.click(`[data-testid=approve-${requestId}]`);
  await page.waitForSelector(`[data-testid=pending-enrolments-table] tr[data-request="${requestId}"][data-state=approved]`);
  ok('a pending enrolment is listed on the Agents page and an admin approves it');
  await screenshot('agents-admin-token', { fullPage: true });
  await accessible('agents (admin)');
  await page.click(`[data-testid=revoke-${listed[0].id}]`);
  await page.waitForSelector(`[data-testid=tokens-table] tr[data-token="${listed[0].id}"][data-state=revoked]`);
  const refused = await fetchRetry(`${url}/api/v1/enrol`, { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ host_id: 'other', hostname: 'other' }) });
  check(refused.status === 401, `enrol with the revoked token: ${refused.status}`);
  ok('an admin makes a token on the Agents page (shown once, enrols an agent) and revokes it (then refused)');

  finish();
} finally {
  await context.close();
}
