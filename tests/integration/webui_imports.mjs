// The Imports page (issue 16) in real Chromium: an RVTools workbook as exported is previewed (the
// counts, the rows with the rule that matched a known server) with nothing written, confirmed,
// seen in Hosts and in the plan, and rolled back; broken files are refused with their problem and
// nothing written. Env: as webui_harness.mjs, plus ADMIN_PASSWORD, VIEWER_PASSWORD and
// RVTOOLS_WORKBOOK (a real 4.7 export of 19 VMs, one of them the fleet's 'checkmk').
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { env, url, ok, check, digits, api, planApi, openBrowser } from './webui_harness.mjs';

const { context, page, accessible, signIn, screenshot, finish } = await openBrowser({
  // The truncated workbook (400) and the all-or-nothing refusal (422) are provoked on purpose.
  expectedFailure: (status, path) => (status === 400 || status === 422) && path === '/api/v1/import',
});
const workbook = env('RVTOOLS_WORKBOOK');
const importedHosts = async () => (await api('/api/v1/hosts?source=import&limit=1000')).hosts
  .filter((x) => x.id.startsWith('vmware:')).length;
const count = async (key) => Number(await page.getAttribute(`[data-testid=import-count-${key}]`, 'data-count'));
const hostsBefore = (await planApi('/api/v1/plan/summary')).totals.hosts;
const history = async () => (await api('/api/v1/imports')).imports;
const entriesBefore = (await history()).length;  // the fleet's import

async function searchHosts(text) {
  await page.goto(`${url}/#/hosts`);
  await page.waitForSelector('[data-testid=hosts-table]');
  await page.fill('[data-testid=search]', text);
  await page.waitForTimeout(300);
  return page.$$eval('[data-testid=hosts-table] tbody tr[data-host]', (rows) => rows.map((r) => r.dataset.host));
}

try {
  // A viewer has no Imports link.
  await signIn('vera', env('VIEWER_PASSWORD'));
  await page.waitForSelector('[data-testid=who]');
  check(await page.$('[data-testid=nav-imports]') === null, 'no Imports link for a viewer');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-user]');
  ok('a viewer is not offered the Imports page');

  await signIn('ada', env('ADMIN_PASSWORD'));
  await page.waitForSelector('[data-testid=nav-imports]');
  await page.click('[data-testid=nav-imports]');
  await page.waitForSelector(`[data-testid=import-history] tbody tr:nth-child(${entriesBefore})`);

  // A truncated workbook: its problem, nothing written.
  const bytes = readFileSync(workbook);
  await page.setInputFiles('[data-testid=import-file]', { name: 'truncated.xlsx', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, bytes.length / 2) });
  await page.click('[data-testid=import-preview]');
  const refusal = await page.textContent('[data-testid=import-error]');
  check(/not a readable zip archive.*cut short/.test(refusal), `the truncated workbook named: ${refusal}`);
  check(await page.$('[data-testid=import-confirm]') === null, 'nothing to confirm for a broken file');
  ok(`a truncated workbook is refused: "${refusal.slice(0, 90)}…"`);

  // The workbook as exported: the preview, nothing written yet.
  await page.setInputFiles('[data-testid=import-file]', workbook);
  await page.click('[data-testid=import-preview]');
  await page.waitForSelector('[data-testid=import-confirm]');
  const format = await page.getAttribute('[data-testid=import-preview-title]', 'data-format');
  check(format === 'rvtools 4.7.1.4', `format read from the content: ${format}`);
  check(await count('created') === 18 && await count('updated') === 1 && await count('failed') === 0,
    `18 to create, 1 to update: ${await count('created')}, ${await count('updated')}`);
  const rows = await page.$$eval('[data-testid=import-hosts] tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.id, action: tr.dataset.action, rule: tr.dataset.rule, text: tr.textContent })));
  check(rows.length === 19, `19 rows listed: ${rows.length}`);
  const matched = rows.find((r) => r.action === 'update');
  check(matched?.rule === 'hostname' && matched.text.includes('monitoring-01'),
    `the VM 'checkmk' matched the fleet's monitoring-01 by host name: ${JSON.stringify(matched)}`);
  check(await importedHosts() === 0, 'nothing written by the preview');
  check((await history()).length === entriesBefore, 'no history entry for a preview');
  await screenshot('imports-preview', { fullPage: true });
  await accessible('imports (preview)');
  ok(`preview of ${basename(workbook)} (${format}): 18 to create, checkmk matched to monitoring-01 by ${matched.rule}, nothing written`);

  // Confirmed: written, in the history, in Hosts and in the plan.
  await page.click('[data-testid=import-confirm]');
  await page.waitForSelector(`[data-testid=import-history] tbody tr:nth-child(${entriesBefore + 1})`);
  check(await importedHosts() === 18, `18 VMs stored: ${await importedHosts()}`);
  const entry = (await history())[0];
  check(entry.file_name === basename(workbook) && entry.created === 18 && entry.updated === 1 && entry.actor === 'ada',
    `history entry: ${JSON.stringify(entry)}`);
  const historyRow = await page.textContent(`[data-testid=import-history] tr[data-import="${entry.id}"]`);
  check(historyRow.includes(basename(workbook)) && historyRow.includes(entry.sha256.slice(0, 12)) && historyRow.includes('ada'),
    `history row shows file, hash, who: ${historyRow}`);
  check(/Import n° \d+ terminé : 18 serveurs créés, 1 mis à jour/.test(await page.textContent('[data-testid=import-status]')), 'result said');
  await screenshot('imports-done', { fullPage: true });
  ok(`import ${entry.id} written: 18 created, 1 updated, in the history with its file, SHA-256 and author`);

  const found = await searchHosts('Banchero16Bckp');
  check(found.length === 1 && found[0].startsWith('vmware:'), `the VM in Hosts: ${found}`);
  const summary = await planApi('/api/v1/plan/summary');
  check(summary.totals.hosts === hostsBefore + 18, `the plan has the 18 new hosts: ${hostsBefore} -> ${summary.totals.hosts}`);
  await page.goto(`${url}/#/plan`);
  await page.waitForSelector('[data-testid=plan-hosts] .tile-value');
  const planned = digits(await page.textContent('[data-testid=plan-hosts] .tile-value'));
  check(planned === hostsBefore + 18, `the Plan page counts them: ${planned}`);
  ok(`the VMs are in Hosts (Banchero16Bckp found) and in the plan (${hostsBefore} -> ${planned} hosts)`);

  // Rolled back: gone from Hosts and from the plan, the entry marked.
  await page.goto(`${url}/#/imports`);
  await page.click(`[data-testid=import-rollback-${entry.id}]`);
  await page.waitForSelector(`[data-testid=import-history] tr[data-import="${entry.id}"][data-rolled-back=true]`);
  check(await importedHosts() === 0, 'the import\'s hosts removed');
  check((await api('/api/v1/hosts/monitoring-01')).hostname === 'checkmk', 'the matched host kept');
  check((await searchHosts('Banchero16Bckp')).length === 0, 'gone from Hosts');
  const after = await planApi('/api/v1/plan/summary');
  check(after.totals.hosts === hostsBefore, `gone from the plan: ${after.totals.hosts}`);
  ok(`import ${entry.id} rolled back: its 18 VMs gone from Hosts and the plan (${after.totals.hosts} hosts), the entry marked`);

  // All or nothing: one bad row, nothing written, every row's outcome shown.
  await page.goto(`${url}/#/imports`);
  await page.waitForSelector('[data-testid=import-history]');
  const azure = 'Server name;Cores;Memory (In MB);OS name\r\nsrv-a;2;4096;Windows Server 2019\r\nsrv-b;four;4096;Windows Server 2019\r\n';
  await page.setInputFiles('[data-testid=import-file]', { name: 'azure.csv', mimeType: 'text/csv', buffer: Buffer.from(azure) });
  await page.check('[data-testid=import-all-or-nothing]');
  await page.click('[data-testid=import-preview]');
  await page.waitForSelector('[data-testid=import-errors]');
  const rowError = await page.textContent('[data-testid=import-errors] tbody tr');
  check(/Cores/.test(rowError) && /four/.test(rowError), `the bad cell named: ${rowError}`);
  await page.click('[data-testid=import-confirm]');
  await page.waitForSelector('[data-testid=import-refused]');
  check((await api('/api/v1/hosts?source=import&limit=1000')).hosts.every((x) => !x.id.startsWith('azure-migrate:')), 'nothing written');
  check((await history()).length === entriesBefore + 1, 'no history entry for a refused import');
  ok(`all or nothing: "${await page.textContent('[data-testid=import-refused]')}", nothing written`);

  finish();
} finally {
  await context.close();
}
