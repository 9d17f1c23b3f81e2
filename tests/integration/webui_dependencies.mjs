// The Dependencies page on the demo fleet (issue 23): move groups named from their application
// (or role) and commune, the selector showing the group drawn, links with their port, process
// and daily connections as the API has them, and a host found by its hostname.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD.
import { env, url, ok, check, api, planApi, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser();

try {
  const plan = await planApi('/api/v1/plan/groups');
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');

  // The default view: the largest group, named, and the selector on it.
  await page.goto(`${url}/#/dependencies`);
  await page.waitForSelector('[data-testid=graph][data-ready=true][data-named=true] canvas', { timeout: 60000 });
  const drawn = await page.getAttribute('[data-testid=graph]', 'data-group');
  check(await page.inputValue('[data-testid=group-select]') === drawn, `the selector shows the group drawn (${drawn})`);
  const group = plan.move_groups.find((g) => g.id === drawn);
  check(group && group.name && !/^g-\d+$/.test(group.name), `the plan names the group: ${group?.name}`);
  const title = await page.textContent('[data-testid=graph-title]');
  check(title.includes(group.name) && title.includes(`${group.hosts.length} serveurs`), `title: ${title}`);
  const options = await page.$$eval('[data-testid=group-select] option', (o) => o.map((x) => x.textContent));
  const unnamed = options.filter((o) => /^g-\d+ /.test(o));
  check(unnamed.length === 0, `every group has a name in the selector: ${unnamed.slice(0, 3)}`);
  ok(`the page opens on "${title}", the selector on the same group; ${options.length} groups named ` +
    `(e.g. "${options[1] ?? options[0]}")`);

  // Links in words, as the API has them: port, process, connections a day.
  const query = group.hosts.map((id) => `host=${encodeURIComponent(id)}`).join('&');
  const edges = (await api(`/api/v1/dependencies?resolved=true&${query}`)).edges;
  const listed = await page.$$eval('[data-testid=graph-edges] li', (li) => li.map((x) =>
    ({ source: x.dataset.source, target: x.dataset.target, port: Number(x.dataset.port), text: x.textContent })));
  check(listed.length === Math.min(edges.length, 2000) && listed.length > 0, `links listed: ${listed.length} vs ${edges.length}`);
  for (const e of edges.slice(0, 50)) {
    const item = listed.find((l) => l.source === e.source && l.target === e.target && l.port === e.port);
    check(item, `link ${e.source} → ${e.target}:${e.port} listed`);
    check(item.text.includes(`port ${e.port}`) && item.text.includes('connexions par jour'), `link in words: ${item.text}`);
  }
  await screenshot('dependencies-group');
  await accessible('dependencies (group)');
  ok(`the group's ${listed.length} links read as the API has them, e.g. "${listed[0].text}"`);

  // A host found by its hostname; several matches are listed to choose from.
  const target = (await api(`/api/v1/hosts/${encodeURIComponent(edges[0].source)}`));
  await page.fill('[data-testid=graph-host]', target.hostname);
  await page.click('[data-testid=graph-host-show]');
  await page.waitForFunction((id) => location.hash === `#/dependencies/${encodeURIComponent(id)}`, target.id);
  await page.waitForSelector('[data-testid=graph][data-ready=true][data-named=true] canvas', { timeout: 60000 });
  check((await page.textContent('[data-testid=graph-title]')).includes(target.hostname), 'titled by hostname');
  check(await page.inputValue('[data-testid=group-select]') === '', 'no group selected for a host\'s neighbourhood');
  const prefix = target.hostname.slice(0, 3);
  await page.fill('[data-testid=graph-host]', prefix);
  await page.click('[data-testid=graph-host-show]');
  await page.waitForSelector('[data-testid=graph-host-answer] a');
  const choices = await page.$$eval('[data-testid=graph-host-answer] a', (a) => a.map((x) => x.textContent));
  check(choices.length > 1 && choices.every((c) => c.startsWith(prefix)), `matches of "${prefix}": ${choices.slice(0, 3)}`);
  await screenshot('dependencies-host');
  ok(`"${target.hostname}" opens ${target.id}'s neighbourhood; "${prefix}" lists ${choices.length} servers to choose from`);
  finish();
} finally {
  await context.close();
}
