// The Sources page (issue 21) against vcsim: "test connection" says why a wrong password fails
// and what answers a right one, without saving anything; a vCenter added through the form runs at
// once, its 2,000 VMs reach Hosts and the plan, sized on their performance history (source
// vcenter); a source with a wrong password shows its failed state and why; edit keeps the stored
// password unless one is typed, run now, delete; the password is never on the page nor in an
// answer; the viewer sees no Sources link.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD, VIEWER_PASSWORD, VCSIM_URL, VCSIM_PASSWORD.
import { env, url, ok, check, digits, api, planApi, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser();
const password = env('VCSIM_PASSWORD');
const vcsim = env('VCSIM_URL');
const row = (name) => `[data-testid=sources-table] tr[data-name="${name}"]`;

async function fillForm(name, secret) {
  await page.fill('[data-testid=source-name]', name);
  await page.fill('[data-testid=source-url]', vcsim);
  await page.fill('[data-testid=source-user]', 'reader');
  await page.fill('[data-testid=source-password]', secret);
  await page.check('[data-testid=source-insecure]');
}

// Waits until the row of source `name` has `state`, reloading the page (runs end server-side).
async function waitRow(name, state, seconds = 180) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await page.$(`${row(name)}[data-state="${state}"]`);
    if (found) return found;
    check(Date.now() < deadline, `source ${name} not ${state} in ${seconds} s`);
    await page.waitForTimeout(1000);
    if (!(await page.$(`${row(name)}[data-state=running]`))) await page.reload();
    await page.waitForSelector('[data-testid=sources-table]');
  }
}

try {
  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  await page.click('nav a[href="#/sources"]');
  await page.waitForSelector('[data-testid=sources-page]');
  check((await page.$$('[data-testid=sources-table] tbody tr')).length === 0, 'no source yet');
  ok('an admin opens Sources from the navigation: no source yet');

  // Test connection: wrong password, then the right one; nothing saved.
  await fillForm('rabat', 'not-the-password');
  await page.click('[data-testid=source-test]');
  await page.waitForSelector('[data-testid=source-test-result][data-ok=false]');
  const refused = await page.textContent('[data-testid=source-test-result]');
  check(/identifiants refusés/.test(refused), `wrong password explained: ${refused}`);
  await page.fill('[data-testid=source-password]', password);
  await page.click('[data-testid=source-test]');
  await page.waitForSelector('[data-testid=source-test-result][data-ok=true]');
  const about = await page.textContent('[data-testid=source-test-result]');
  check(/VMware vCenter Server/.test(about), `right password: ${about}`);
  check((await api('/api/v1/sources')).sources.length === 0, 'testing saved nothing');
  ok(`test connection: "${refused.slice(0, 50)}…", then "${about.slice(0, 50)}…"; nothing saved`);

  // Add it: the first run starts at once.
  await page.click('[data-testid=source-save]');
  await page.waitForSelector(row('rabat'));
  check(await page.inputValue('[data-testid=source-password]') === '', 'the form forgets the password');
  const started = Date.now();
  await waitRow('rabat', 'ok');
  check(digits(await page.textContent(`${row('rabat')} [data-testid=source-vms]`)) === 2000, '2,000 VMs');
  // The performance run follows the inventory; the page shows it when done.
  const deadline = Date.now() + 900000;
  while (!/2[\s\u202f.,]?000 VM/.test(await page.textContent(`${row('rabat')} [data-testid=source-performance]`))) {
    check(Date.now() < deadline, 'no performance run shown');
    await page.waitForTimeout(2000);
    await page.reload();
    await page.waitForSelector(row('rabat'));
  }
  ok(`a vCenter added through the form read 2,000 VMs and their performance (${Math.round((Date.now() - started) / 1000)} s)`);
  await accessible('sources');
  await screenshot('sources');

  // The VMs in Hosts.
  await page.goto(`${url}/#/hosts`);
  // The machine the tests share may be loaded: two minutes for the 2,000-host pages.
  await page.waitForSelector('[data-testid=hosts-table]', { timeout: 120000 });
  await page.fill('[data-testid=search]', '_RP0_VM');
  await page.waitForFunction(() => document.querySelector('[data-testid=hosts-count]')?.dataset.shown === '2000',
    null, { timeout: 120000 });
  ok('the 2,000 VMs are in Hosts');

  // And in the plan, sized on their performance data.
  const plan = await planApi('/api/v1/plan');
  const vms = plan.hosts.filter((x) => x.id.startsWith('vmware:'));
  check(vms.length === 2000, `VMs in the plan: ${vms.length}`);
  for (const vm of vms) {
    const factors = Object.fromEntries(vm.confidence_factors.map((f) => [f.name, f]));
    check(factors.source?.value === 'vcenter' && factors.source.effect === 0, `source vcenter: ${JSON.stringify(factors)}`);
    check(Number(factors.data_points?.value) > 0, `data points: ${JSON.stringify(factors)}`);
  }
  await page.goto(`${url}/#/hosts/${encodeURIComponent(vms[0].id)}`);
  await page.waitForSelector('[data-testid=utilisation]', { timeout: 120000 });
  await page.goto(`${url}/#/plan`);
  await page.waitForSelector('[data-testid=plan-results]', { timeout: 120000 });
  ok(`the plan holds the 2,000 VMs, sized on vCenter data (${vms[0].confidence_factors.find((f) => f.name === 'data_points').value} data points for the first)`);

  // Wrong credentials: a failed state, and why.
  await page.goto(`${url}/#/sources`);
  await page.waitForSelector('[data-testid=source-form]');
  await fillForm('erreur', 'wrong-password');
  await page.click('[data-testid=source-save]');
  await waitRow('erreur', 'failed', 60);
  const state = await page.textContent(`${row('erreur')} [data-testid=source-state]`);
  const errors = await page.textContent(`${row('erreur')} [data-testid=source-errors]`);
  check(state === 'en échec' && /InvalidLogin|login/i.test(errors), `failed source: ${state} / ${errors}`);
  ok(`wrong credentials: "${state}", "${errors.slice(0, 60)}"`);

  // Edit without a password keeps the stored (wrong) one; typing the right one fixes it; run now.
  const id = await page.getAttribute(row('erreur'), 'data-source');
  await page.click(`[data-testid=source-edit-${id}]`);
  check(await page.inputValue('[data-testid=source-name]') === 'erreur', 'the form holds the source');
  check(await page.inputValue('[data-testid=source-password]') === '', 'the stored password is not shown');
  check((await page.textContent('[data-testid=source-password-hint]')).length > 0, 'a hint says it is kept');
  await page.fill('[data-testid=source-password]', password);
  await page.click('[data-testid=source-save]');
  await page.waitForSelector(row('erreur'));
  await page.click(`[data-testid=source-run-${id}]`);
  await waitRow('erreur', 'ok');
  ok('edit with the right password, run now: the source is ok');

  // Delete (confirmed): the row goes, the hosts stay.
  page.once('dialog', (dialog) => dialog.accept());
  await page.click(`[data-testid=source-delete-${id}]`);
  await page.waitForSelector(row('erreur'), { state: 'detached' });
  check((await api('/api/v1/sources')).sources.length === 1, 'one source left');
  ok('delete, confirmed: the source goes');

  // The password is nowhere: not on the page, not in an answer.
  check(!(await page.content()).includes(password), 'password on the page');
  check(!JSON.stringify(await api('/api/v1/sources')).includes(password), 'password in the API');
  ok('the password is never shown nor answered');

  // The viewer has no Sources link.
  await page.click('[data-testid=logout]');
  await signIn('vera', env('VIEWER_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  check(await page.$('nav a[href="#/sources"]') === null, 'a Sources link for the viewer');
  ok('the viewer has no Sources link');
  finish();
} finally {
  await context.close();
}
