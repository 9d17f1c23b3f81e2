// Hosts: the whole fleet filtered, searched and sorted in memory, shown a page at a time so that
// 10,000 hosts stay smooth (only one page of rows is ever in the DOM).
import { h, link } from '../dom';
import { type Host, loadFleet } from '../fleet';
import { formatBytes, formatNumber, formatPercent, labelValue, t } from '../i18n';
import { kStrategies, loadPlan } from '../plan';
import { type EndOfLifeStatus, type FleetSummary, loadSummary } from '../summary';

const kPageSize = 100;
const kFilters = ['region', 'province', 'commune', 'environment', 'criticality', 'sensitivity', 'os'] as const;
const kEndOfLife: EndOfLifeStatus[] = ['ended', 'ending_soon', 'supported', 'unknown'];
// The strategy filter's value for the retirements the owners must confirm.
const kToConfirm = 'to-confirm';

interface Column {
  key: string;
  title: () => string;
  value: (h: Host) => string | number | undefined;
  show: (h: Host) => Node | string;
}

const columns: Column[] = [
  { key: 'hostname', title: () => t.hostname, value: (x) => x.hostname,
    show: (x) => link(`/hosts/${encodeURIComponent(x.id)}`, x.hostname || x.id) },
  { key: 'region', title: () => t.region, value: (x) => x.labels.region, show: (x) => x.labels.region ?? '' },
  { key: 'environment', title: () => t.environment, value: (x) => x.labels.environment,
    show: (x) => labelValue('environment', x.labels.environment) },
  { key: 'criticality', title: () => t.criticality, value: (x) => x.labels.criticality,
    show: (x) => labelValue('criticality', x.labels.criticality) },
  { key: 'os', title: () => t.os, value: (x) => x.osLabel, show: (x) => x.osLabel },
  { key: 'cores', title: () => t.cores, value: (x) => x.cores, show: (x) => (x.cores ? String(x.cores) : '') },
  { key: 'memory', title: () => t.memory, value: (x) => x.memoryBytes, show: (x) => formatBytes(x.memoryBytes) },
  { key: 'cpu', title: () => t.cpuP95, value: (x) => x.cpuP95, show: (x) => formatPercent(x.cpuP95) },
  { key: 'mem', title: () => t.memoryP95, value: (x) => x.memoryP95, show: (x) => formatPercent(x.memoryP95) },
  { key: 'strategy', title: () => t.strategy, value: (x) => x.strategy,
    show: (x) => (x.strategy ? t.strategyNames[x.strategy] ?? x.strategy : '') },
  { key: 'state', title: () => t.state, value: (x) => (x.stale ? 1 : 0), show: (x) => (x.stale ? t.stale : '') },
];

interface State {
  query: string;
  filters: Map<string, string>;  // filter key -> exact value
  stale: '' | 'stale' | 'active';
  sort: string;
  descending: boolean;
  page: number;
}

function filterKey(host: Host, key: string): string | undefined {
  if (key === 'strategy') return host.strategy;
  if (key === 'source') return host.source;
  if (key === 'eol') return host.endOfLife;
  return key === 'os' ? host.osLabel : host.labels[key];
}

function matchesFilter(host: Host, key: string, value: string): boolean {
  if (key === 'strategy' && value === kToConfirm) return !!host.toConfirm;
  return filterKey(host, key) === value;
}

function matches(host: Host, s: State): boolean {
  for (const [key, value] of s.filters) if (!matchesFilter(host, key, value)) return false;
  if (s.stale === 'stale' && !host.stale) return false;
  if (s.stale === 'active' && host.stale) return false;
  if (s.query) {
    const q = s.query.toLowerCase();
    if (!host.id.toLowerCase().includes(q) && !(host.hostname ?? '').toLowerCase().includes(q)) return false;
  }
  return true;
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;  // missing values last
  if (b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function select(name: string, label: string, options: [string, string][], onChange: (v: string) => void,
  initial = '') {
  const element = h('select', { name, 'aria-label': label, 'data-testid': `filter-${name}` },
    ...options.map(([value, text]) => h('option', { value, selected: value === initial }, text)));
  element.addEventListener('change', () => onChange(element.value));
  return h('label', { class: 'filter' }, h('span', {}, label), element);
}

// The state a link gives (#/hosts?eol=ended&source=import, from the Overview's next steps).
function stateFrom(params: URLSearchParams): State {
  const state: State = { query: params.get('q') ?? '', filters: new Map(), stale: '', sort: 'hostname',
    descending: false, page: 0 };
  for (const key of [...kFilters, 'source', 'eol', 'strategy']) {
    const value = params.get(key);
    if (value) state.filters.set(key, value);
  }
  const stale = params.get('stale');
  if (stale === 'stale' || stale === 'active') state.stale = stale;
  return state;
}

// The address says what is shown, so that it can be shared or bookmarked (replaceState: no reload);
// once the user has left the page (a late plan still re-renders it), the address is not its own.
function remember(state: State): void {
  if (!location.hash.startsWith('#/hosts') || location.hash.startsWith('#/hosts/')) return;
  const params = new URLSearchParams([...state.filters]);
  if (state.stale) params.set('stale', state.stale);
  if (state.query) params.set('q', state.query);
  const query = params.toString();
  history.replaceState(null, '', `#/hosts${query ? `?${query}` : ''}`);
}

// Each host's end-of-support status, from the summary's per-system rows (the same labels).
function markEndOfLife(hosts: Host[], summary: FleetSummary): void {
  const status = new Map(summary.by_os.map((os) => [os.name ?? '', os.status]));
  for (const host of hosts) host.endOfLife = status.get(host.osLabel) ?? 'unknown';
}

export async function hostsPage(params = new URLSearchParams()): Promise<HTMLElement> {
  const [hosts, summary] = await Promise.all([loadFleet(), loadSummary()]);
  markEndOfLife(hosts, summary);
  const state = stateFrom(params);
  const body = h('tbody');
  const count = h('span', { 'data-testid': 'hosts-count' });
  const pageInfo = h('span');
  const previous = h('button', { type: 'button' }, t.previous);
  const next = h('button', { type: 'button' }, t.next);
  const header = h('tr');

  const render = () => {
    remember(state);
    const shown = hosts.filter((x) => matches(x, state));
    const column = columns.find((c) => c.key === state.sort) ?? columns[0];
    shown.sort((a, b) => compare(column.value(a), column.value(b)) * (state.descending ? -1 : 1) || a.id.localeCompare(b.id));
    const pages = Math.max(1, Math.ceil(shown.length / kPageSize));
    state.page = Math.min(state.page, pages - 1);
    body.replaceChildren(...shown.slice(state.page * kPageSize, (state.page + 1) * kPageSize).map((x) =>
      h('tr', { 'data-host': x.id }, ...columns.map((c) => h('td', { class: `col-${c.key}` }, c.show(x))))));
    count.textContent = t.shown(formatNumber(shown.length), formatNumber(hosts.length));
    count.dataset.shown = String(shown.length);
    pageInfo.textContent = t.page(state.page + 1, pages);
    previous.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    for (const th of header.children) {
      const key = (th as HTMLElement).dataset.key;
      th.setAttribute('aria-sort', key !== state.sort ? 'none' : state.descending ? 'descending' : 'ascending');
    }
  };

  for (const c of columns) {
    const button = h('button', { type: 'button', class: 'sort' }, c.title());
    button.addEventListener('click', () => {
      state.descending = state.sort === c.key ? !state.descending : false;
      state.sort = c.key;
      render();
    });
    header.append(h('th', { 'data-key': c.key }, button));
  }
  previous.addEventListener('click', () => { state.page--; render(); });
  next.addEventListener('click', () => { state.page++; render(); });

  const search = h('input', { type: 'search', placeholder: t.search, 'aria-label': t.search, 'data-testid': 'search',
    value: state.query });
  search.addEventListener('input', () => { state.query = search.value.trim(); state.page = 0; render(); });

  const distinct = (key: string) =>
    [...new Set(hosts.map((x) => filterKey(x, key)).filter((v): v is string => !!v))].sort();
  const setFilter = (key: string) => (v: string) => {
    if (v) state.filters.set(key, v); else state.filters.delete(key);
    state.page = 0;
    render();
  };
  const filterSelect = (key: string, label: string, options: [string, string][]) =>
    select(key, label, [['', t.all], ...options], setFilter(key), state.filters.get(key));
  const eolNames: Record<EndOfLifeStatus, string> = {
    ended: t.eolEnded, ending_soon: t.eolEndingSoon, supported: t.eolSupported, unknown: t.eolUnknown,
  };
  const filters = [
    ...kFilters.map((key) => filterSelect(key, t[key], distinct(key).map((v): [string, string] => [v, labelValue(key, v)]))),
    filterSelect('eol', t.endOfSupport, kEndOfLife.map((s): [string, string] => [s, eolNames[s]])),
    filterSelect('source', t.sourceFilter, ['agent', 'import'].map((s): [string, string] => [s, t.sources[s]])),
  ];
  const staleFilter = select('stale', t.stale, [['', t.all], ['stale', t.staleOnly], ['active', t.activeOnly]], (v) => {
    state.stale = v as State['stale'];
    state.page = 0;
    render();
  }, state.stale);

  // The strategy comes from the plan, which may still be computing: the filter waits for it
  // while the rest of the page works.
  const strategyFilter = select('strategy', t.strategy, [['', t.planPending]], setFilter('strategy'));
  const strategySelect = strategyFilter.querySelector('select') as HTMLSelectElement;
  strategySelect.disabled = true;
  void loadPlan().then((plan) => {
    if (!plan) return;
    const byId = new Map(hosts.map((x) => [x.id, x]));
    plan.hosts.id.forEach((id, i) => {
      const host = byId.get(id);
      if (host) host.strategy = plan.hosts.strategy[i];
    });
    for (const id of plan.retire_to_confirm ?? []) {
      const host = byId.get(id);
      if (host) host.toConfirm = true;
    }
    const chosen = state.filters.get('strategy') ?? '';
    strategySelect.replaceChildren(...[['', t.all], ...kStrategies.map((s) => [s, t.strategyNames[s] ?? s]),
      [kToConfirm, t.retireToConfirm]]
      .map(([value, text]) => h('option', { value, selected: value === chosen }, text)));
    strategySelect.disabled = false;
    render();
  }, () => undefined);

  render();
  return h('div', { class: 'page' },
    h('h1', {}, t.navHosts),
    h('div', { class: 'filters' }, search, ...filters, strategyFilter, staleFilter),
    h('p', {}, count),
    h('table', { class: 'hosts', 'data-testid': 'hosts-table' }, h('thead', {}, header), body),
    h('div', { class: 'pager' }, previous, pageInfo, next));
}
