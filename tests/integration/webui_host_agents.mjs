// Host pages and the Agents page on the demo fleet (issue 23): a new agent's charts say there is
// not enough data yet; its change history holds real changes only while it pushes every second;
// sizes read in binary units; an imported host shows what its import declared, not "no
// measurements"; a host with six hours of data draws the charts it has data for. The Agents page
// refuses an install command built on a loopback address, and lists the enrolled agents with
// their last push, version and spool state; a silent agent is a next step on the Overview.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD, AGENT_HOST_ID and AGENT_URL.
import { env, url, ok, check, digits, api, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser();
const agentHost = env('AGENT_HOST_ID');
const hostRoute = (id) => `${url}/#/hosts/${encodeURIComponent(id)}`;

try {
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');

  // The real agent, a minute old: no empty charts, a message saying why.
  await page.goto(hostRoute(agentHost));
  await page.waitForSelector('[data-testid=not-enough-data]');
  check(await page.$('[data-testid=chart-cpu]') === null, 'no empty chart for a new agent');
  await page.selectOption('[data-testid=window]', '24h');
  await page.waitForSelector('[data-testid=utilisation][data-window="24h"] [data-testid=not-enough-data]');
  const message = await page.textContent('[data-testid=not-enough-data]');
  check(/assez de mesures/.test(message), `French message: ${message}`);
  ok(`a new agent's 24 h and 7 d windows say "${message.slice(0, 60)}…" instead of empty charts`);

  // Sizes in binary units, the exact byte count on hover.
  const sizes = await page.$$eval('[data-testid=inventory] [data-bytes]', (cells) =>
    cells.map((c) => ({ text: c.textContent, bytes: Number(c.dataset.bytes), title: c.title })));
  check(sizes.length > 0, 'inventory sizes found');
  for (const size of sizes) {
    check(/^[\d\s,.\u202f]+ (o|Kio|Mio|Gio|Tio|Pio)$/.test(size.text), `a size in binary units: ${size.text}`);
    check(Number(size.title.replace(/\D/g, '')) === size.bytes, `exact bytes on hover: ${size.title}`);
  }
  ok(`${sizes.length} inventory sizes read in binary units (${sizes[0].text}), exact on hover`);

  // The agent pushes every second, with its free space moving: the history keeps real changes.
  const pushes = () => fetch(`${env('AGENT_URL')}/metrics`).then((r) => r.text())
    .then((text) => Number(/^sahab_agent_push_acknowledged_total (\d+)/m.exec(text)?.[1] ?? 0));
  const deadline = Date.now() + 30000;
  while ((await pushes()) < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  check(await pushes() >= 8, `the agent pushed 8 batches: ${await pushes()}`);
  const detail = await api(`/api/v1/hosts/${encodeURIComponent(agentHost)}`);
  const bySection = {};
  for (const change of detail.changes) bySection[change.section] = (bySection[change.section] ?? 0) + 1;
  check((bySection.hardware ?? 0) === 1, `hardware recorded once (its first sighting): ${JSON.stringify(bySection)}`);
  await page.reload();
  await page.waitForSelector('[data-testid=changes] li');
  const hardwareLines = await page.$$eval('[data-testid=changes] li[data-section=hardware]', (li) => li.length);
  check(hardwareLines === 1, `one hardware line in the history: ${hardwareLines}`);
  ok(`after ${await pushes()} pushes the change history holds ${detail.changes.length} entries, ` +
    `hardware once: ${JSON.stringify(bySection)}`);
  await screenshot('host-new-agent', { fullPage: true });
  await accessible('host (new agent)');

  // An imported host: its declared percentiles, and no "no measurements" above them.
  const imported = (await api('/api/v1/hosts?source=import&limit=1')).hosts[0].id;
  await page.goto(hostRoute(imported));
  await page.waitForSelector('[data-testid=declared-utilisation]');
  check(await page.$('[data-testid=no-utilisation]') === null, 'no "no measurements" on an imported host');
  const p95 = await page.textContent('[data-testid=percentiles] tr[data-metric=cpu_ratio] td:nth-child(4)');
  check(/\d/.test(p95), `declared CPU p95 shown: ${p95}`);
  check(await page.textContent('[data-testid=percentiles] tr[data-metric=cpu_ratio] th') === 'CPU', 'metric names translated');
  await screenshot('host-imported', { fullPage: true });
  ok(`an imported host says its utilisation is declared and shows it (CPU p95 ${p95})`);

  // Six hours of measurements: charts, with room for their value axis.
  await page.goto(hostRoute('history-01'));
  await page.waitForSelector('[data-testid=chart-memory] canvas');
  await page.selectOption('[data-testid=window]', '24h');
  await page.waitForSelector('[data-testid=utilisation][data-window="24h"] [data-testid=chart-cpu] canvas');
  check((await page.$$('.chart canvas')).length === 2, 'CPU and memory charts');
  const unmeasured = await page.textContent('[data-testid=chart-disk-empty]');
  check(unmeasured.includes('aucune mesure'), `the disk, never measured, says so: ${unmeasured}`);
  await screenshot('host-history-24h', { fullPage: true });
  await accessible('host (six hours)');
  ok('a host with six hours of CPU and memory measurements draws those two charts, and says disk and network have none');

  // Agents: the collector listens on 127.0.0.1 without public_url, so no command is offered.
  await page.goto(`${url}/#/agents`);
  await page.waitForSelector('[data-testid=enrolled-agents]');
  const refusal = await page.textContent('[data-testid=install-loopback]');
  check(refusal.includes('public_url') && refusal.includes('127.0.0.1'), `loopback refused: ${refusal}`);
  check(await page.$('[data-testid=install-command], [data-testid=install-manual]') === null, 'no command shown');
  const agents = (await api('/api/v1/agents')).agents;
  const rows = await page.$$eval('[data-testid=agents-table] tbody tr', (r) => r.map((x) => ({
    host: x.dataset.host, cells: [...x.children].map((c) => c.textContent), behind: x.querySelector('[data-testid=spool]').dataset.behind,
    batches: x.querySelector('[data-testid=spool]').dataset.batches,
  })));
  check(rows.length === agents.length, `one row per agent: ${rows.length} vs ${agents.length}`);
  const real = rows.find((r) => r.host === agentHost);
  const version = (await api(`/api/v1/hosts/${encodeURIComponent(agentHost)}`)).inventory.identity.data.agent_version;
  check(real && real.cells[1] === version, `agent version ${real?.cells[1]} vs ${version}`);
  // The real agent reports its spool (empty while the collector answers); the pushed history host
  // does not, so its state is inferred from how far its measurements trail its last push.
  const reported = agents.find((a) => a.host_id === agentHost).spool;
  check(reported && reported.batches === 0 && reported.bytes === 0 && !reported.oldest, `the agent's own spool report: ${JSON.stringify(reported)}`);
  check(real.cells[2] !== '—' && real.batches === '0' && real.cells[4] === 'Vide : tout est transmis', `last push and spool: ${real.cells}`);
  const history = rows.find((r) => r.host === 'history-01');
  check(Number(history.behind) >= 0 && history.batches === '', `spool state of the history host: ${history.cells[4]}`);
  const count = await page.textContent('[data-testid=agents-count]');
  check(count === '2 agents enrôlés, 0 révoqué', `French plurals: ${count}`);
  await screenshot('agents', { fullPage: true });
  await accessible('agents');
  ok(`the Agents page refuses a loopback install command and lists ${rows.length} agents ` +
    `(${real.cells.join(' | ')}); "${count}"`);

  // A silent agent (history-01 pushed once, the collector marks hosts stale after 10 s): the
  // Overview's step counts it and links to the silent agents' list.
  const deadline2 = Date.now() + 30000;
  let silent = 0;
  while ((silent = (await api('/api/v1/fleet/summary')).agents.stale) < 1 && Date.now() < deadline2) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  check(silent >= 1, 'history-01 went silent');
  await page.goto(`${url}/#/`);
  await page.waitForSelector('[data-testid=step-silent]');
  check(digits(await page.textContent('[data-testid=step-silent] .step-count')) === silent, 'silent agents counted');
  await page.click('[data-testid=step-silent] a');
  await page.waitForFunction((n) => document.querySelector('[data-testid=hosts-count]')?.dataset.shown === String(n), silent);
  const listed = await page.$$eval('[data-testid=hosts-table] tbody tr', (r) => r.map((x) => x.dataset.host));
  check(listed.includes('history-01') && !listed.includes(agentHost), `the silent agents' list: ${listed}`);
  ok(`the Overview counts ${silent} silent agent and links to the list holding history-01`);
  finish();
} finally {
  await context.close();
}
