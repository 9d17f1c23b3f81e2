// Overview: fleet totals and distributions, computed from the same data as the Hosts page.
import { h } from '../dom';
import { countBy, loadFleet, totals, utilisationBands } from '../fleet';
import { formatBytes, formatNumber, t } from '../i18n';

function tile(testId: string, label: string, value: string): HTMLElement {
  return h('div', { class: 'tile', 'data-testid': testId }, h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-label' }, label));
}

// A horizontal bar chart; bar widths are set through the CSSOM (allowed by the CSP).
function bars(testId: string, title: string, rows: [string, number][], limit = 12): HTMLElement {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const list = h('div', { class: 'bars' });
  if (rows.length === 0) list.append(h('p', { class: 'muted' }, t.noData));
  for (const [label, count] of rows.slice(0, limit)) {
    const bar = h('div', { class: 'bar-fill' });
    bar.style.width = `${(100 * count) / max}%`;
    list.append(h('div', { class: 'bar-row' }, h('span', { class: 'bar-label', title: label }, label),
      h('span', { class: 'bar-track' }, bar), h('span', { class: 'bar-count' }, formatNumber(count))));
  }
  return h('section', { class: 'panel', 'data-testid': testId }, h('h2', {}, title), list);
}

export async function overviewPage(): Promise<HTMLElement> {
  const hosts = await loadFleet();
  const sum = totals(hosts);
  return h('div', { class: 'page' },
    h('h1', {}, t.navOverview),
    h('div', { class: 'tiles' },
      tile('total-hosts', t.hosts, formatNumber(sum.hosts)),
      tile('total-stale', t.stale, formatNumber(sum.stale)),
      tile('total-cores', t.cores, formatNumber(sum.cores)),
      tile('total-memory', t.memory, formatBytes(sum.memoryBytes)),
      tile('total-storage', t.storage, formatBytes(sum.storageBytes))),
    h('div', { class: 'panels' },
      bars('by-region', t.byRegion, countBy(hosts, (x) => x.labels.region, t.unknown)),
      bars('by-os', t.byOs, countBy(hosts, (x) => x.osLabel, t.unknown)),
      bars('by-cpu', t.byCpu, utilisationBands(hosts.map((x) => x.cpuP95))),
      bars('by-memory', t.byMemory, utilisationBands(hosts.map((x) => x.memoryP95)))));
}
