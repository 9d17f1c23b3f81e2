// Hosts: the whole fleet filtered, searched and sorted in memory, shown a page at a time so that
// 10,000 hosts stay smooth (only one page of rows is ever in the DOM).
import { h, link } from '../dom';
import { type Host, loadFleet } from '../fleet';
import { formatBytes, formatPercent, t } from '../i18n';
import { kStrategies, loadPlan } from '../plan';

const kPageSize = 100;
const kFilters = ['region', 'province', 'commune', 'environment', 'criticality', 'sensitivity', 'os'] as const;

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
    show: (x) => x.labels.environment ?? '' },
  { key: 'criticality', title: () => t.criticality, value: (x) => x.labels.criticality,
    show: (x) => x.labels.criticality ?? '' },
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
  return key === 'os' ? host.osLabel : host.labels[key];
}

function matches(host: Host, s: State): boolean {
  for (const [key, value] of s.filters) if (filterKey(host, key) !== value) return false;
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

function select(name: string, label: string, options: [string, string][], onChange: (v: string) => void) {
  const element = h('select', { name, 'aria-label': label, 'data-testid': `filter-${name}` },
    ...options.map(([value, text]) => h('option', { value }, text)));
  element.addEventListener('change', () => onChange(element.value));
  return h('label', { class: 'filter' }, h('span', {}, label), element);
}

export async function hostsPage(): Promise<HTMLElement> {
  const hosts = await loadFleet();
  const state: State = { query: '', filters: new Map(), stale: '', sort: 'hostname', descending: false, page: 0 };
  const body = h('tbody');
  const count = h('span', { 'data-testid': 'hosts-count' });
  const pageInfo = h('span');
  const previous = h('button', { type: 'button' }, t.previous);
  const next = h('button', { type: 'button' }, t.next);
  const header = h('tr');

  const render = () => {
    const shown = hosts.filter((x) => matches(x, state));
    const column = columns.find((c) => c.key === state.sort) ?? columns[0];
    shown.sort((a, b) => compare(column.value(a), column.value(b)) * (state.descending ? -1 : 1) || a.id.localeCompare(b.id));
    const pages = Math.max(1, Math.ceil(shown.length / kPageSize));
    state.page = Math.min(state.page, pages - 1);
    body.replaceChildren(...shown.slice(state.page * kPageSize, (state.page + 1) * kPageSize).map((x) =>
      h('tr', { 'data-host': x.id }, ...columns.map((c) => h('td', { class: `col-${c.key}` }, c.show(x))))));
    count.textContent = t.shown(shown.length, hosts.length);
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

  const search = h('input', { type: 'search', placeholder: t.search, 'aria-label': t.search, 'data-testid': 'search' });
  search.addEventListener('input', () => { state.query = search.value.trim(); state.page = 0; render(); });

  const distinct = (key: string) =>
    [...new Set(hosts.map((x) => filterKey(x, key)).filter((v): v is string => !!v))].sort();
  const filters = kFilters.map((key) =>
    select(key, t[key], [['', t.all], ...distinct(key).map((v): [string, string] => [v, v])], (v) => {
      if (v) state.filters.set(key, v); else state.filters.delete(key);
      state.page = 0;
      render();
    }));
  const staleFilter = select('stale', t.stale, [['', t.all], ['stale', t.staleOnly], ['active', t.activeOnly]], (v) => {
    state.stale = v as State['stale'];
    state.page = 0;
    render();
  });

  // The strategy comes from the plan, which may still be computing: the filter waits for it
  // while the rest of the page works.
  const onStrategy = (v: string) => {
    if (v) state.filters.set('strategy', v); else state.filters.delete('strategy');
    state.page = 0;
    render();
  };
  const strategyFilter = select('strategy', t.strategy, [['', t.planPending]], onStrategy);
  const strategySelect = strategyFilter.querySelector('select') as HTMLSelectElement;
  strategySelect.disabled = true;
  void loadPlan().then((plan) => {
    if (!plan) return;
    const byId = new Map(hosts.map((x) => [x.id, x]));
    plan.hosts.id.forEach((id, i) => {
      const host = byId.get(id);
      if (host) host.strategy = plan.hosts.strategy[i];
    });
    strategySelect.replaceChildren(...[['', t.all], ...kStrategies.map((s) => [s, t.strategyNames[s] ?? s])]
      .map(([value, text]) => h('option', { value }, text)));
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
