// Execution tracking in the web UI (issue 20) in real Chromium on the demo fleet: the Progress page
// before any baseline, an administrator approving the live plan as a baseline on the Plan page
// (no difference yet), a wave moved through its states on its page — an illegal change refused
// with the API's 409 worded in French, a schedule with a date and a note, a move group in bulk,
// the whole wave, a host picked from its row, a change made meanwhile by another architect
// refused (409 stale_version) rather than overwritten — the host's history, the Progress page's
// validation of a source linked to its target as the wave API reports it, the Progress page's
// figures against /api/v1/progress (every region, province and commune) and /api/v1/waves, the
// hosts retired in place (from the Progress page's count: one switched off with a note, one
// scheduled, an illegal change refused, the count updated), the
// difference after the fleet changed and a wave adopted, the viewer's read-only wave; then the
// same walk in Arabic, right to left (dir=rtl, navigation on the right, tables mirrored, no text
// cut, no French or English left); the same pages in Amazigh (Tifinagh navigation, French through
// the catalogue's review marker). Time to interactive of the Progress page and a wave's page.
// Screenshots under build/webui-screenshots/webui_execution/.
// Env: as webui_harness.mjs, plus ADMIN_PASSWORD, VIEWER_PASSWORD, EXTRA_FLEET (a fleet document
// adding hosts, to change the live plan).
import { readFileSync } from 'node:fs';
import { env, url, ok, check, digits, api, planApi, openBrowser, pageLayout, columnsRightToLeft } from './webui_harness.mjs';
import { englishOnPage, foreignStrings } from './webui_catalogue.mjs';

const kStatusPath = /^\/api\/v1\/(waves\/\d+\/status|move-groups\/[^/]+\/status|hosts\/[^/]+\/migration)$/;
const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  // Before the baseline, progress and waves answer 404; the refused changes and adoption answer 409.
  expectedFailure: (status, path) => (status === 404 && ['/api/v1/progress', '/api/v1/waves'].includes(path)) ||
    (status === 409 && (kStatusPath.test(path) || /^\/api\/v1\/baselines\/\d+\/waves\/\d+\/adopt$/.test(path))),
});
// Adopting a wave asks first; the test says yes and keeps what was asked.
const asked = [];
page.on('dialog', (dialog) => { asked.push(dialog.message()); void dialog.accept(); });
const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const tileValue = async (id) => digits(await page.textContent(`[data-testid=${id}] .tile-value`));
// Moved: the collector's count when it gives one (moving hosts only), else cut over or later.

// The status form: scope, state, (date), note; submits and waits for the page's answer (the
// message, or the hosts read again after a change: the wave's, or `reread`). Returns the message
// and its role.
async function change({ scope = 'wave', state, date, note, reread: again = /^\/api\/v1\/waves\/\d+$/ }) {
  await page.selectOption('[data-testid=change-scope]', scope);
  await page.selectOption('[data-testid=change-state]', state);
  if (date) await page.fill('[data-testid=change-date]', date);
  if (note !== undefined) await page.fill('[data-testid=change-note]', note);
  const answered = page.waitForResponse((r) => kStatusPath.test(new URL(r.url()).pathname) && r.request().method() === 'POST');
  // After a change the page reads the wave again (after a refusal only when it was stale).
  const reread = page.waitForResponse((r) => again.test(new URL(r.url()).pathname));
  reread.catch(() => undefined);
  await page.click('[data-testid=change-submit]');
  const response = await answered;
  if (response.ok()) await reread;
  const status = page.locator('[data-testid=change-status]');
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid=change-status]')?.textContent ?? '';
    return text !== '' && !text.endsWith('…');
  });
  return { code: response.status(), text: await status.textContent(), role: await status.getAttribute('role') };
}

const rowStates = () => page.$$eval('[data-testid=wave-hosts] tbody tr', (rows) => rows.map((r) => r.dataset.state));

// The Progress page against the API: tiles, every place's row, every wave's counts.
async function progressMatchesApi(language) {
  const progress = await api('/api/v1/progress');
  const waves = await api('/api/v1/waves');
  await page.goto(`${url}/#/progress`);
  await page.waitForSelector('[data-testid=progress-waves] tbody tr');
  const total = progress.total;
  const tiles = {
    'progress-hosts': total.hosts, 'progress-moved': total.moved, 'progress-validated': total.validated,
    'progress-retired': total.states.retired, 'progress-committed': Math.round(total.committed_monthly_cost),
    'progress-planned': Math.round(total.planned_monthly_cost), 'progress-switched-off': total.retired_servers,
    'progress-retired-in-place': total.retired_in_place,
  };
  for (const [id, want] of Object.entries(tiles)) check(await tileValue(id) === want, `${language} ${id}: ${await tileValue(id)}, API ${want}`);
  const inPlace = await page.textContent('[data-testid=progress-retire-in-place]');
  check(digits(inPlace) === total.hosts - total.moving_hosts, `${language}: retired in place of how many: "${inPlace}", API ${total.hosts - total.moving_hosts}`);
  const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-place]')].map((row) =>
    [`${row.closest('table').dataset.testid}|${row.dataset.place}`,
      Object.fromEntries([...row.querySelectorAll('[data-figure]')].map((c) => [c.dataset.figure, c.textContent]))])));
  const levels = [['progress-by-region', progress.regions, (p) => [p.region]],
    ['progress-by-province', progress.provinces, (p) => [p.province, p.region]],
    ['progress-by-commune', progress.communes, (p) => [p.commune, p.province, p.region]]];
  let rows = 0;
  for (const [table, places, key] of levels) {
    check(Object.keys(shown).filter((k) => k.startsWith(`${table}|`)).length === places.length, `${language} ${table}: one row per place`);
    for (const p of places) {
      const cells = shown[`${table}|${key(p).join('/')}`];
      check(cells, `${language} ${table}: no row for ${key(p).join('/')}`);
      const want = { hosts: p.hosts, moved: p.moved, validated: p.validated, retired: p.states.retired,
        committed: Math.round(p.committed_monthly_cost), planned: Math.round(p.planned_monthly_cost), 'switched-off': p.retired_servers };
      for (const [figure, value] of Object.entries(want)) {
        check(digits(cells[figure]) === value, `${language} ${table} ${key(p).join('/')} ${figure}: "${cells[figure]}", API ${value}`);
      }
      rows++;
    }
  }
  const waveCells = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid=progress-waves] tbody tr')]
    .map((row) => [row.dataset.wave, Object.fromEntries([...row.querySelectorAll('[data-state]')].map((c) => [c.dataset.state, c.textContent]))])));
  check(Object.keys(waveCells).length === waves.waves.length, `${language}: one row per wave`);
  for (const w of waves.waves) {
    for (const [state, n] of Object.entries(w.states)) {
      check(digits(waveCells[w.number][state]) === n, `${language} wave ${w.number} ${state}: "${waveCells[w.number][state]}", API ${n}`);
    }
  }
  return { progress, rows, waves: waves.waves.length };
}

// The Retired in place page, opened from the Progress page's count, against /api/v1/retirements:
// one row per host (a page of 100 at a time), the state tiles.
async function retirementsMatchApi(language) {
  const retirements = await api('/api/v1/retirements');
  check(retirements.hosts.length > 100, `the demo plan retires hosts in place: ${retirements.hosts.length}`);
  await page.goto(`${url}/#/progress`);
  await page.click('[data-testid=progress-retire-in-place] a[href="#/retirements"]');
  await page.waitForSelector('[data-testid=retirements-hosts] tbody tr');
  const pages = Math.ceil(retirements.hosts.length / 100);
  check(await page.locator('[data-testid=retirements-hosts] tbody tr').count() === 100 &&
    digits(await page.textContent('[data-testid=retirements-page]')) === Number(`1${pages}`), `${language}: the first page of ${pages}`);
  for (const state of ['planned', 'scheduled', 'retired', 'blocked']) {
    check(await tileValue(`retirements-state-${state}`) === retirements.states[state], `${language} retirements ${state} as the API`);
  }
  check(await page.locator('[data-testid=retirements-hosts] thead th').count() === 8, `${language}: no validation column`);
  return retirements;
}

// A host retired in place, found by the search, picked from its row and changed.
async function retire(host, { state, date, note }) {
  await page.fill('[data-testid=retirements-search]', host.id);
  await page.click(`[data-testid=retirements-hosts] tr[data-host="${host.id}"] button[data-action=pick]`);
  return change({ scope: `host:${host.id}`, state, date, note, reread: /^\/api\/v1\/retirements$/ });
}

async function retirementRow(host) {
  await page.fill('[data-testid=retirements-search]', host.id);
  return page.$eval(`[data-testid=retirements-hosts] tr[data-host="${host.id}"]`, (row) => ({
    state: row.dataset.state, date: row.cells[3].textContent, by: row.cells[4].textContent, at: row.cells[5].textContent, note: row.cells[6].textContent,
  }));
}

// Right to left: the brand against the right edge, the navigation in the right half, no text cut,
// no French or English string, Latin digits.
async function rightToLeft(name, foreign) {
  const seen = await pageLayout(page);
  check(seen.dir === 'rtl' && seen.lang === 'ar', `${name}: dir=${seen.dir} lang=${seen.lang}`);
  check(seen.brand.right > seen.width - 60 && seen.nav.left + seen.nav.width / 2 > seen.width / 2,
    `${name}: brand ${Math.round(seen.brand.left)}-${Math.round(seen.brand.right)}, navigation ${Math.round(seen.nav.left)}-${Math.round(seen.nav.right)}`);
  check(seen.cut.length === 0, `${name}: cut text ${seen.cut.join(' | ')}`);
  const found = (await englishOnPage(page, foreign, '[data-testid=language], noscript')).found;
  check(found.length === 0, `${name}: French or English on the Arabic page: ${found.join(', ')}`);
  check(!(await page.evaluate(() => /[\u0660-\u0669\u06f0-\u06f9]/.test(document.body.innerText))), `${name}: Arabic-Indic digits`);
  await screenshot(`ar-${name}`, { fullPage: true });
}

// Table columns from right to left: each header left of the one before it.
async function mirrored(table) {
  const columns = await columnsRightToLeft(page, `[data-testid=${table}]`);
  check(columns.mirrored, `${table}: columns from right to left: ${columns.lefts}`);
  return columns.count;
}

// Median time of `runs` loads from about:blank until `selector` is shown.
async function timeToInteractive(route, selector, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(`${url}/${route}`);
    await page.waitForSelector(selector);
    times.push(Date.now() - started);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(runs / 2)];
}

try {
  await planApi('/api/v1/plan/summary');
  // Before any baseline: the Progress page says who starts tracking, and where.
  await signIn('ada', env('ADMIN_PASSWORD'), '#/progress');
  await page.waitForSelector('[data-testid=progress-no-baseline] a[href="#/plan"]');
  ok('before any baseline the Progress page says an administrator approves the plan (link to the Plan page)');

  // The administrator approves the live plan as a baseline: nothing differs from it yet.
  await page.goto(`${url}/#/plan`);
  await page.waitForSelector('[data-testid=baseline-none]');
  const name = 'plan v1 — comité du 5 décembre';
  await page.fill('[data-testid=baseline-name]', name);
  await page.click('[data-testid=baseline-approve-button]');
  await page.waitForSelector('[data-testid=baseline-active]');
  await page.waitForSelector('[data-testid=diff-none]');
  const baselines = (await api('/api/v1/baselines')).baselines;
  check(baselines.length === 1 && baselines[0].name === name && baselines[0].approved_by === 'ada', `baseline: ${JSON.stringify(baselines)}`);
  check((await page.textContent('[data-testid=baseline-status]')).includes(name), 'the approval is confirmed by name');
  check((await page.textContent('[data-testid=baseline-active]')).includes(name), 'the active baseline is shown');
  check(await tileValue('diff-moved') === 0 && await tileValue('diff-new') === 0 && await tileValue('diff-absent') === 0,
    'nothing moved, new or absent against the plan just approved');
  await screenshot('plan-baseline');
  ok(`the administrator approves "${name}" on the Plan page (${baselines[0].hosts} hosts, ${baselines[0].moving_hosts} moving); no difference yet`);

  // A wave's page, from the Progress page's link.
  const number = 1;
  let wave = await api(`/api/v1/waves/${number}`);
  const groups = [...new Set(wave.hosts.map((h) => h.move_group))];
  check(wave.hosts.length >= 3 && groups.length >= 2, `wave ${number}: ${wave.hosts.length} hosts in ${groups.length} groups`);
  await page.goto(`${url}/#/progress`);
  await page.click(`[data-testid=progress-waves] tr[data-wave="${number}"] a`);
  await page.waitForSelector('[data-testid=wave-hosts] tbody tr');
  check(await page.locator('[data-testid=wave-hosts] tbody tr').count() === wave.hosts.length, 'one row per host of the wave');
  check(await tileValue('wave-state-planned') === wave.hosts.length, 'every host planned');
  await accessible('wave');

  // Validated before anything else: refused by the API, its 409 worded in French, nothing changed.
  let answer = await change({ state: 'validated' });
  const first = wave.hosts[0];
  check(answer.code === 409 && answer.role === 'alert', `an illegal change is refused: ${answer.code} ${answer.role}`);
  check(answer.text === `${first.id} ne peut pas passer de Planifié à Validé (possibles : Programmé, Bloqué)`,
    `the refusal says why: ${answer.text}`);
  check((await api(`/api/v1/waves/${number}`)).states.planned === wave.hosts.length, 'nothing changed');
  ok(`validating a planned wave is refused: "${answer.text}"`);

  // Scheduled with a date and a note, for the whole wave.
  answer = await change({ state: 'scheduled', date: '2027-03-01', note: 'Fenêtre validée par le comité' });
  check(answer.code === 200 && answer.text.includes(`${wave.hosts.length} serveurs passés à « Programmé »`), `scheduled: ${answer.text}`);
  check((await rowStates()).every((s) => s === 'scheduled'), 'every row scheduled');
  const dates = await page.$$eval('[data-testid=wave-hosts] tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
  check(dates.every((d) => d === '01/03/2027'), `the date in French: ${dates[0]}`);
  wave = await api(`/api/v1/waves/${number}`);
  check(wave.states.scheduled === wave.hosts.length && wave.hosts.every((h) => h.date === '2027-03-01' && h.changed_by === 'ada' &&
    h.note === 'Fenêtre validée par le comité'), 'the API has the date, who and the note');
  ok(`wave ${number} scheduled for 01/03/2027 with a note (${answer.text})`);

  // One move group in bulk, then the whole wave: the group's hosts count as unchanged.
  const group = groups[0];
  const inGroup = wave.hosts.filter((h) => h.move_group === group).length;
  answer = await change({ scope: `group:${group}`, state: 'in_progress', note: '' });
  wave = await api(`/api/v1/waves/${number}`);
  check(wave.states.in_progress === inGroup && wave.states.scheduled === wave.hosts.length - inGroup, `group ${group} only: ${JSON.stringify(wave.states)}`);
  answer = await change({ state: 'in_progress' });
  check(answer.text.includes(`${inGroup} l’étai`), `the group's hosts were already in progress: ${answer.text}`);
  for (const state of ['cut_over', 'validated']) {
    answer = await change({ state });
    check(answer.code === 200, `${state}: ${answer.text}`);
  }
  check((await rowStates()).every((s) => s === 'validated'), 'every row validated');
  ok(`move group ${group} (${inGroup} hosts) then the whole wave: in progress, cut over, validated`);

  // Another architect retires a host meanwhile: the page's change, made from what it last read,
  // is refused (no lost update) and the wave drawn again with the change.
  wave = await api(`/api/v1/waves/${number}`);
  const other = wave.hosts[wave.hosts.length - 1];
  await post(`/api/v1/hosts/${encodeURIComponent(other.id)}/migration`, { state: 'retired', version: other.version, note: 'éteint par Samir' });
  answer = await change({ state: 'rolled_back', note: 'rollback' });
  check(answer.code === 409 && answer.text === 'Quelqu’un a modifié ces hôtes entre-temps : rechargez et réessayez', `stale: ${answer.text}`);
  await page.waitForSelector(`[data-testid=wave-hosts] tr[data-host="${other.id}"][data-state=retired]`);
  check((await api(`/api/v1/waves/${number}`)).states.rolled_back === 0, 'nothing rolled back');
  ok('a change made meanwhile by another architect is not overwritten: 409, the wave drawn again');

  // A host picked from its row: its source retired; its history, newest first.
  const picked = wave.hosts[0];
  await page.click(`[data-testid=wave-hosts] tr[data-host="${picked.id}"] button[data-action=pick]`);
  answer = await change({ scope: `host:${picked.id}`, state: 'retired', note: 'Serveur source éteint' });
  check(answer.code === 200 && (await page.getAttribute(`tr[data-host="${picked.id}"]`, 'data-state')) === 'retired', `retired: ${answer.text}`);
  await page.click(`[data-testid=wave-hosts] tr[data-host="${picked.id}"] button[data-action=history]`);
  await page.waitForSelector('[data-testid=history-table] tbody tr');
  const history = (await api(`/api/v1/hosts/${encodeURIComponent(picked.id)}/migration`)).history;
  const shown = await page.$$eval('[data-testid=history-table] tbody tr', (rows) => rows.map((r) => [r.dataset.to, r.cells[1].textContent, r.cells[5].textContent]));
  check(JSON.stringify(shown.map((r) => r[0])) === JSON.stringify(history.map((e) => e.to)) &&
    JSON.stringify(shown.map((r) => r[0])) === JSON.stringify(['retired', 'validated', 'cut_over', 'in_progress', 'scheduled']),
  `history as the API, newest first: ${shown.map((r) => r[0]).join(', ')}`);
  check(shown.every((r) => r[1] === 'ada') && shown[0][2] === 'Serveur source éteint', `who and the note: ${JSON.stringify(shown[0])}`);
  await screenshot('wave', { fullPage: true });
  ok(`${picked.hostname} retired from its row; its history of ${shown.length} changes (who, when, note) as the API`);

  // Before/after validation: src-app linked to the target it moved to, which no longer listens on
  // tcp/8080. Its wave's page shows what the wave API says of it: the regressions, once the
  // collector reports validations on waves (issue 20's backend); nothing before.
  const source = await api('/api/v1/hosts/src-app/migration');
  await api('/api/v1/hosts/src-app/migration/target', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target_host: 'tgt-app' }) });
  const validation = await api('/api/v1/hosts/src-app/validation');
  check(validation.status === 'regressions' && validation.checks.some((c) => c.rule === 'port_listening' && c.subject === 'tcp/8080' && c.regression),
    `the API flags the port: ${JSON.stringify(validation)}`);
  const sourceWave = await api(`/api/v1/waves/${source.wave}`);
  await page.goto(`${url}/#/waves/${source.wave}`);
  await page.waitForSelector('[data-testid=wave-hosts] tbody tr');
  if (sourceWave.hosts.length > 100) await page.fill('[data-testid=wave-search]', 'src-app');  // more than a page
  await page.waitForSelector('[data-testid=wave-hosts] tr[data-host="src-app"]');
  const cell = await page.$eval('tr[data-host="src-app"] [data-testid=host-validation]', (c) => ({ status: c.dataset.status ?? null,
    flags: [...c.querySelectorAll('li')].map((li) => [li.dataset.rule, li.querySelector('bdi').textContent]) }));
  const reported = sourceWave.hosts.find((x) => x.id === 'src-app').validation;
  check(reported !== undefined, 'the wave API reports the validation of a linked source');
  check(cell.status === reported.status && JSON.stringify(cell.flags) ===
    JSON.stringify(reported.flags.map((f) => [f.rule, f.detail ? `${f.subject} (${f.detail})` : f.subject])), `flags as the API: ${JSON.stringify(cell)}`);
  check(cell.flags.some(([rule, subject]) => rule === 'port_listening' && subject === 'tcp/8080 (java)'), `the missing port flagged: ${JSON.stringify(cell)}`);
  check(await tileValue('wave-regressions') === sourceWave.regressions, 'hosts with regressions counted as the API');
  await screenshot('wave-validation', { fullPage: true });
  ok(`src-app linked to tgt-app: wave ${source.wave}'s page flags ${cell.flags.map((f) => f.join(' ')).join(', ')} as the API`);

  // The Progress page's figures are the API's.
  const french = await progressMatchesApi('fr');
  check(french.progress.total.retired_servers === 2 && french.progress.total.committed_monthly_cost > 0, 'two servers off, costs committed');
  await accessible('progress');
  await screenshot('progress', { fullPage: true });
  ok(`the Progress page shows the API's figures: ${french.rows} regions, provinces and communes, ${french.waves} waves`);

  // The hosts the plan retires in place, from the Progress page's count: one switched off with a
  // note (who and when shown as the API has them), one scheduled, an illegal change refused.
  const retiring = await retirementsMatchApi('fr');
  const off = retiring.hosts[retiring.hosts.length - 1];
  answer = await retire(off, { state: 'retired', note: 'Éteint le 5 décembre : contrat de maintenance résilié' });
  check(answer.code === 200 && answer.role === 'status' && answer.text === `Serveur ${off.hostname} : 1 serveur passé à « Source retirée ».`,
    `retired in place: ${answer.text}`);
  const offNow = await api(`/api/v1/hosts/${encodeURIComponent(off.id)}/migration`);
  check(offNow.state === 'retired' && offNow.changed_by === 'ada' && offNow.note === 'Éteint le 5 décembre : contrat de maintenance résilié',
    `the API has it retired, by ada, with the note: ${JSON.stringify(offNow)}`);
  const offRow = await retirementRow(off);
  // When: the API's time in the page's words (toLocaleString, as the page formats it).
  const offAt = await page.evaluate((at) => new Date(at).toLocaleString('fr-FR'), offNow.changed_at);
  check(offRow.state === 'retired' && offRow.by === 'ada' && offRow.note === offNow.note && offRow.at === offAt,
    `who, when and the note on its row: ${JSON.stringify(offRow)}, API ${offNow.changed_at} (${offAt})`);
  answer = await retire(off, { state: 'planned' });
  check(answer.code === 409 && answer.role === 'alert' && answer.text.startsWith(`${off.id} ne peut pas passer de Source retirée à Planifié`),
    `nothing leaves retired: ${answer.text}`);
  const later = retiring.hosts[0];
  answer = await retire(later, { state: 'scheduled', date: '2027-06-30', note: 'Arrêt après la clôture budgétaire' });
  check(answer.code === 200 && (await retirementRow(later)).date === '30/06/2027', `scheduled: ${answer.text}`);
  const counts = (await api('/api/v1/retirements')).states;
  check(await tileValue('retirements-state-retired') === counts.retired && counts.retired === retiring.states.retired + 1 &&
    await tileValue('retirements-state-scheduled') === counts.scheduled, `the counts as the API: ${JSON.stringify(counts)}`);
  await accessible('retirements');
  await screenshot('retirements', { fullPage: true });
  const progressAfter = await progressMatchesApi('fr');
  check(progressAfter.progress.total.retired_in_place === french.progress.total.retired_in_place + 1, 'the Progress page counts it');
  ok(`${retiring.hosts.length} hosts retired in place listed from the Progress page; ${off.hostname} switched off with a note ` +
    `(ada, ${offRow.at}), ${later.hostname} scheduled for 30/06/2027, retired → planned refused ("${answer.text}"); Progress counts ` +
    `${progressAfter.progress.total.retired_in_place} retired in place`);

  // The fleet changes: the live plan differs from the baseline; a wave is adopted.
  const imported = await api('/api/v1/import', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: readFileSync(env('EXTRA_FLEET')) });
  await planApi('/api/v1/plan/summary');
  const diff = await api(`/api/v1/baselines/${baselines[0].id}/diff`);
  await page.goto(`${url}/#/plan`);
  await page.waitForSelector('[data-testid=diff-waves] tbody tr', { timeout: 60000 });
  check(await tileValue('diff-new') === diff.new.length && diff.new.length >= imported.imported, `new hosts: ${diff.new.length}`);
  check(await tileValue('diff-moved') === diff.moved.length && await tileValue('diff-absent') === diff.absent.length, 'moved and absent as the API');
  check(digits(await page.textContent('[data-testid=diff-delta] .tile-value')) === Math.round(Math.abs(diff.monthly_cost.delta)), 'the cost delta');
  check(await page.locator('[data-testid=diff-waves] tbody tr').count() === diff.changed_waves.length, 'one row per changed wave');
  // A moved host already on the move: adopting the wave it leaves is refused, worded in French.
  const busy = diff.moved[0];
  const scheduled = await post(`/api/v1/hosts/${encodeURIComponent(busy.id)}/migration`, { state: 'scheduled', date: '2027-05-03', version: 0 });
  await post(`/api/v1/hosts/${encodeURIComponent(busy.id)}/migration`, { state: 'in_progress', version: scheduled.version });
  await page.click(`[data-testid=diff-waves] button[data-adopt="${busy.baseline_wave}"]`);
  await page.waitForSelector('[data-testid=baseline-status][role=alert]');
  const refusal = await page.textContent('[data-testid=baseline-status]');
  check(refusal === `${busy.id} est déjà « En cours » : cette vague ne peut pas être adoptée`, `adopting a wave in flight: ${refusal}`);
  const adopted = diff.changed_waves.find((w) => w !== number && w !== busy.baseline_wave && w !== busy.live_wave);
  const diffRead = page.waitForResponse((r) => r.url().endsWith(`/api/v1/baselines/${baselines[0].id}/diff`));
  await page.click(`[data-testid=diff-waves] button[data-adopt="${adopted}"]`);
  await diffRead;
  await page.waitForSelector('[data-testid=diff-waves]');
  check((await page.textContent('[data-testid=baseline-status]')).startsWith(`Vague ${adopted} adoptée`), 'the adoption is confirmed');
  check(asked.length === 2 && asked[1] === `Remplacer la vague ${adopted} de la référence par celle du plan actuel ?`, `asked first: ${asked.join(' | ')}`);
  const after = await api(`/api/v1/baselines/${baselines[0].id}/diff`);
  check(!after.changed_waves.includes(adopted) && diff.changed_waves.includes(busy.baseline_wave), `wave ${adopted} adopted: ${JSON.stringify(after.changed_waves)}`);
  check(await page.locator('[data-testid=diff-waves] tbody tr').count() === after.changed_waves.length, 'the changed waves read again');
  await screenshot('plan-diff', { fullPage: true });
  ok(`after the import: ${diff.new.length} new, ${diff.moved.length} moved, ${diff.absent.length} absent, delta ${diff.monthly_cost.delta} MAD; ` +
    `wave ${busy.baseline_wave} refused ("${refusal}"), wave ${adopted} adopted`);

  // Time to interactive on the demo fleet (median of 5 loads).
  const tti = { progress: await timeToInteractive('#/progress', '[data-testid=progress-waves] tbody tr'),
    wave: await timeToInteractive(`#/waves/${number}`, '[data-testid=wave-hosts] tbody tr') };
  const largest = (await api('/api/v1/waves')).waves.reduce((a, b) => (b.hosts > a.hosts ? b : a));
  tti.largestWave = await timeToInteractive(`#/waves/${largest.number}`, '[data-testid=wave-hosts] tbody tr');
  ok(`time to interactive (median of 5): Progress ${tti.progress} ms, wave ${number} ${tti.wave} ms, wave ${largest.number} (${largest.hosts} hosts) ${tti.largestWave} ms`);
  // The largest wave a page of 100 rows at a time, every host reachable.
  const seen = new Set();
  const pages = Math.ceil(largest.hosts / 100);
  check(pages > 1, `the largest wave has more than one page: ${largest.hosts} hosts`);
  for (let i = 1; i <= pages; i++) {
    check(await page.textContent('[data-testid=wave-page]') === `Page ${i} / ${pages}`, `page ${i} of ${pages}`);
    for (const id of await page.$$eval('[data-testid=wave-hosts] tbody tr', (rows) => rows.map((r) => r.dataset.host))) seen.add(id);
    if (i < pages) await page.click('[data-testid=wave-next]');
  }
  check(await page.isDisabled('[data-testid=wave-next]') && seen.size === largest.hosts, `every host on a page: ${seen.size}`);
  const wanted = [...seen][largest.hosts - 1];
  await page.fill('[data-testid=wave-search]', wanted.toUpperCase());
  await page.waitForSelector('[data-testid=wave-pager]', { state: 'hidden' }).catch(() => undefined);
  const found = await page.$$eval('[data-testid=wave-hosts] tbody tr', (rows) => rows.map((r) => r.dataset.host));
  check(found.includes(wanted) && found.length < 100 && await page.isHidden('[data-testid=wave-next]'), `the search finds ${wanted}: ${found.length} rows`);
  ok(`wave ${largest.number}'s ${largest.hosts} hosts on ${pages} pages of 100; the search finds one by its id`);

  // A viewer reads the wave but has no form.
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  await signIn('vera', env('VIEWER_PASSWORD'), `#/waves/${number}`);
  await page.waitForSelector('[data-testid=wave-readonly]');
  check(await page.locator('[data-testid=change-form], button[data-action=pick]').count() === 0, 'no change form for a viewer');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  ok('a viewer reads the wave without a change form');

  // The same walk in Arabic, right to left.
  const foreign = await foreignStrings('ar', ['fr', 'en']);
  await page.selectOption('[data-testid=language]', 'ar');
  await page.waitForSelector('html[dir=rtl][lang=ar]');
  await signIn('ada', env('ADMIN_PASSWORD'), '#/plan');
  await page.waitForSelector('[data-testid=baseline-diff]', { timeout: 60000 });
  await rightToLeft('plan', foreign);
  const arabicWave = 2;
  const two = await api(`/api/v1/waves/${arabicWave}`);
  await page.goto(`${url}/#/waves/${arabicWave}`);
  await page.waitForSelector('[data-testid=wave-hosts] tbody tr');
  answer = await change({ state: 'validated' });
  check(answer.code === 409 && answer.text.includes('الانتقال من «مخطَّط» إلى «تمّ التحقّق»') && answer.text.includes(two.hosts[0].id),
    `the refusal in Arabic: ${answer.text}`);
  answer = await change({ state: 'scheduled', date: '2027-04-15', note: 'موافقة اللجنة' });
  check(answer.code === 200 && (await rowStates()).every((s) => s === 'scheduled'), `scheduled in Arabic: ${answer.text}`);
  answer = await change({ state: 'in_progress', note: '' });
  check(answer.code === 200, `in progress in Arabic: ${answer.text}`);
  await page.click(`[data-testid=wave-hosts] tr[data-host="${two.hosts[0].id}"] button[data-action=history]`);
  await page.waitForSelector('[data-testid=history-table] tbody tr');
  const columns = await mirrored('wave-hosts');
  await accessible('wave (Arabic)');
  await rightToLeft('wave', foreign);
  const arabic = await progressMatchesApi('ar');
  await mirrored('progress-by-commune');
  await accessible('progress (Arabic)');
  await rightToLeft('progress', foreign);
  const arabicRetiring = await retirementsMatchApi('ar');
  const arabicOff = arabicRetiring.hosts[1];
  answer = await retire(arabicOff, { state: 'retired', note: 'أُطفئ بعد موافقة المالك' });
  check(answer.code === 200 && answer.role === 'status' && answer.text.includes(arabicOff.hostname), `retired in place in Arabic: ${answer.text}`);
  check((await api(`/api/v1/hosts/${encodeURIComponent(arabicOff.id)}/migration`)).note === 'أُطفئ بعد موافقة المالك', 'the Arabic note kept');
  await page.fill('[data-testid=retirements-search]', '');
  const retirementColumns = await mirrored('retirements-hosts');
  await accessible('retirements (Arabic)');
  await rightToLeft('retirements', foreign);
  ok(`in Arabic: the refusal worded in Arabic, wave ${arabicWave} scheduled then in progress, the Progress page's figures the API's ` +
    `(${arabic.rows} places), ${arabicOff.hostname} retired in place; right to left, navigation on the right, ${columns} and ` +
    `${retirementColumns} columns mirrored, no text cut, no French or English`);

  // Amazigh: the execution pages through its catalogue, marked for native review: the navigation
  // in Tifinagh, every other string French through the marker, never a key or "undefined".
  await page.selectOption('[data-testid=language]', 'zgh');
  await page.waitForSelector('html[lang=zgh][dir=ltr]');
  for (const [route, ready, title] of [['#/progress', '[data-testid=progress-waves] tbody tr', 'Avancement de la migration'],
    [`#/waves/${arabicWave}`, '[data-testid=wave-hosts] tbody tr', `Vague ${arabicWave}`],
    ['#/retirements', '[data-testid=retirements-hosts] tbody tr', 'Retraits sur place']]) {
    await page.goto(`${url}/${route}`);
    await page.waitForSelector(ready);
    check(await page.textContent('h1') === title, `zgh ${route}: the French title through the marker: ${await page.textContent('h1')}`);
    const navigation = await page.locator('header nav a').allTextContents();
    check(navigation.every((n) => /^[\u2d30-\u2d7f ]+$/u.test(n)), `zgh ${route}: navigation in Tifinagh: ${navigation.join(' | ')}`);
    check(!/undefined|\[object /.test(await page.textContent('main, body')), `zgh ${route}: a string missing`);
  }
  ok('in Amazigh: Progress, a wave and Retired in place with the navigation in Tifinagh, the rest French through the review marker');

  await page.selectOption('[data-testid=language]', 'fr');  // leave the profile in French
  await page.waitForSelector('html[lang=fr][dir=ltr]');
  finish();
} finally {
  await context.close();
}
