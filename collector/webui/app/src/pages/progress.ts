// Progress (#/progress), for the programme office: the active baseline's hosts moved, validated
// and retired, the monthly cloud cost committed against the planned one and the on-premises
// servers switched off, in total and by region, province and commune (GET /api/v1/progress); then
// every wave with its hosts per state, each a link to its page (GET /api/v1/waves); the servers
// the plan retires in place switched off, linking to their page (#/retirements). Two calls.
import { ApiError } from '../api';
import { type Child, h, link } from '../dom';
import {
  type Figures, type Place, type Progress, type WaveListEntry, kMigrationStates, listWaves, loadProgress,
  retiredHosts,
} from '../execution';
import { formatMoney, formatNumber, formatPercent, t } from '../i18n';
import { panel, tile } from '../planviews';

const place = (name: string | undefined) => name || '—';

function totals(progress: Progress): HTMLElement {
  const f = progress.total;
  const money = (v: number) => formatMoney(v, progress.currency);
  return h('div', { class: 'tiles', 'data-testid': 'progress-totals' },
    tile('progress-hosts', t.trackedHosts, formatNumber(f.hosts)),
    tile('progress-moved', t.movedHosts, formatNumber(f.moved), t.movedHostsHow),
    tile('progress-validated', t.validatedHosts, formatNumber(f.validated), t.validatedHostsHow),
    tile('progress-retired', t.retiredHosts, formatNumber(retiredHosts(f.states))),
    retiredInPlace(f),
    tile('progress-committed', t.committedMonthly, money(f.committed_monthly_cost),
      t.committedShare(formatPercent(f.planned_monthly_cost > 0 ? f.committed_monthly_cost / f.planned_monthly_cost : 0))),
    tile('progress-planned', t.plannedMonthly, money(f.planned_monthly_cost)),
    tile('progress-switched-off', t.serversSwitchedOff, formatNumber(f.retired_servers),
      t.onPremisesSaved(money(f.retired_on_premises_monthly_cost))));
}

// The servers the plan retires in place switched off, of how many, and the page that lists them.
function retiredInPlace(f: Figures): HTMLElement {
  const element = tile('progress-retired-in-place', t.retiredInPlace, formatNumber(f.retired_in_place));
  element.append(h('div', { class: 'tile-label', 'data-testid': 'progress-retire-in-place' },
    t.retiredInPlaceOf(formatNumber(f.hosts - f.moving_hosts)), ' ', link('/retirements', t.seeRetirements)));
  return element;
}

// The figures of one place as table cells: hosts, moved, validated, retired, committed, planned,
// servers switched off.
function figureCells(f: Figures, currency: string): HTMLElement[] {
  const count = (key: string, v: number) => h('td', { class: 'num', 'data-figure': key }, formatNumber(v));
  return [
    count('hosts', f.hosts), count('moved', f.moved), count('validated', f.validated),
    count('retired', retiredHosts(f.states)),
    h('td', { class: 'num', 'data-figure': 'committed' }, formatMoney(f.committed_monthly_cost, currency)),
    h('td', { class: 'num', 'data-figure': 'planned' }, formatMoney(f.planned_monthly_cost, currency)),
    count('switched-off', f.retired_servers),
  ];
}

const figureHeaders = () => [t.hosts, t.movedHosts, t.validatedHosts, t.retiredHosts, t.committedMonthly, t.plannedMonthly,
  t.serversSwitchedOff];

// One level (regions, provinces or communes): the place's names, then its figures.
function placesTable(testId: string, names: string[], places: Place[], key: (p: Place) => string[], currency: string): HTMLElement {
  return h('table', { class: 'data', 'data-testid': testId },
    h('thead', {}, h('tr', {}, ...names.map((n) => h('th', { scope: 'col' }, n)),
      ...figureHeaders().map((n) => h('th', { scope: 'col', class: 'num' }, n)))),
    h('tbody', {}, ...places.map((p) => h('tr', { 'data-place': key(p).join('/') },
      ...key(p).map((name, i) => (i === 0 ? h('th', { scope: 'row', dir: 'auto' }, place(name)) : h('td', { dir: 'auto' }, place(name)))),
      ...figureCells(p, currency)))));
}

function wavesTable(waves: WaveListEntry[]): HTMLElement {
  return h('table', { class: 'data', 'data-testid': 'progress-waves' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.wave), h('th', { scope: 'col', class: 'num' }, t.hosts),
      ...kMigrationStates.map((s) => h('th', { scope: 'col', class: 'num' }, t.migrationStates[s])))),
    h('tbody', {}, ...waves.map((w) => h('tr', { 'data-wave': w.number },
      h('th', { scope: 'row' }, link(`/waves/${w.number}`, t.waveTitle(w.number))), h('td', { class: 'num' }, formatNumber(w.hosts)),
      ...kMigrationStates.map((s) => h('td', { class: 'num', 'data-state': s }, w.states[s] ? formatNumber(w.states[s]) : '·'))))));
}

// Without a baseline there is nothing to track yet: say who starts it, and where.
function noBaseline(): HTMLElement {
  return h('div', { class: 'page' }, h('h1', {}, t.progressTitle),
    h('p', { class: 'muted', 'data-testid': 'progress-no-baseline' }, t.noBaselineYet, ' ', link('/plan', t.navPlan)));
}

export async function progressPage(): Promise<HTMLElement> {
  let progress: Progress;
  let waves: WaveListEntry[];
  try {
    [progress, waves] = await Promise.all([loadProgress(), listWaves()]);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'no_baseline') return noBaseline();
    throw e;
  }
  const c = progress.currency;
  const children: Child[] = [
    h('h1', {}, t.progressTitle),
    h('p', { class: 'muted', 'data-testid': 'progress-baseline' }, t.againstBaseline(progress.baseline_name)),
    totals(progress),
    panel('progress-regions', t.byRegion, placesTable('progress-by-region', [t.region], progress.regions, (p) => [p.region], c)),
    panel('progress-provinces', t.byProvince,
      placesTable('progress-by-province', [t.province, t.region], progress.provinces, (p) => [p.province ?? '', p.region], c)),
    panel('progress-communes', t.byCommune, placesTable('progress-by-commune', [t.commune, t.province, t.region],
      progress.communes, (p) => [p.commune ?? '', p.province ?? '', p.region], c)),
    panel('progress-waves-panel', t.waves, wavesTable(waves)),
  ];
  return h('div', { class: 'page' }, ...children);
}
