// Host: labels, inventory sections, change history and utilisation percentiles over a window.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { getJson } from '../api';
import { h } from '../dom';
import type { Stats } from '../fleet';
import { formatDate, formatNumber, formatPercent, t } from '../i18n';

interface HostDetail {
  id: string;
  hostname: string;
  labels: Record<string, string>;
  source: string;
  state: string;
  first_seen: string;
  last_seen: string;
  imported?: Record<string, unknown> & { utilisation?: Record<string, Stats> };
  inventory: Record<string, { updated_at: string; data: unknown }>;
  changes: { section: string; at: string; changed: unknown }[];
}
interface Utilisation {
  window: Stats & { count: number };
  series?: (Stats & { start: string; count: number })[];
}

const kMetrics = ['cpu_ratio', 'memory_ratio'] as const;
const kWindowDays = 7;

function keyValues(rows: [string, Node | string][]): HTMLElement {
  return h('table', { class: 'kv' }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

// Any JSON value as nested tables and lists; every string goes in as text.
function jsonView(value: unknown): Node | string {
  if (Array.isArray(value)) {
    return h('ol', { class: 'json' }, ...value.slice(0, 500).map((v) => h('li', {}, jsonView(v))));
  }
  if (value !== null && typeof value === 'object') {
    return keyValues(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonView(v)]));
  }
  return value === null || value === undefined ? '—' : String(value);
}

function percentileRow(metric: string, s: Stats | undefined) {
  const cell = (v: number | undefined) => h('td', {}, formatPercent(v));
  return h('tr', { 'data-metric': metric }, h('th', {}, metric), cell(s?.p50), cell(s?.p90), cell(s?.p95), cell(s?.p99), cell(s?.max));
}

function chart(series: NonNullable<Utilisation['series']>): HTMLElement {
  const box = h('div', { class: 'chart' });
  const x = series.map((p) => Date.parse(p.start) / 1000);
  const line = (key: keyof Stats) => series.map((p) => (p.count > 0 && p[key] !== undefined ? (p[key] as number) * 100 : null));
  const options: uPlot.Options = {
    width: 760, height: 240,
    scales: { y: { range: [0, 100] } },
    series: [{}, { label: 'p50', stroke: '#2b7bb9' }, { label: 'p95', stroke: '#d9822b' }, { label: 'max', stroke: '#c23030' }],
  };
  // uPlot measures its container, so it is drawn once the page is in the document.
  requestAnimationFrame(() => new uPlot(options, [x, line('p50'), line('p95'), line('max')], box));
  return box;
}

// What an import declared about the host, without what the page shows elsewhere.
function importedInventory(imported: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, hostname: _hostname, labels: _labels, utilisation: _utilisation, ...rest } = imported;
  return rest;
}

export async function hostPage(id: string): Promise<HTMLElement> {
  const base = `/api/v1/hosts/${encodeURIComponent(id)}`;
  const host = await getJson<HostDetail>(base);
  const from = Math.floor(Date.now() / 1000) - kWindowDays * 86400;
  const usage = await Promise.all(kMetrics.map((m) => getJson<Utilisation>(`${base}/utilisation?metric=${m}&from=${from}&step=1h`)));
  const measured = usage.some((u) => u.window.count > 0);
  const percentiles = kMetrics.map((m, i) => (measured ? usage[i].window : host.imported?.utilisation?.[m]));

  return h('div', { class: 'page' },
    h('p', {}, h('a', { href: '#/hosts' }, t.backToHosts)),
    h('h1', { 'data-testid': 'host-name' }, host.hostname || host.id),
    keyValues([[t.id, host.id], [t.source, host.source], [t.state, host.state],
      [t.firstSeen, formatDate(host.first_seen)], [t.lastSeen, formatDate(host.last_seen)]]),
    h('section', { class: 'panel' }, h('h2', {}, t.labels),
      keyValues(Object.entries(host.labels ?? {}).map(([k, v]) => [k, String(v)]))),
    h('section', { class: 'panel' }, h('h2', {}, `${t.utilisation} (${t.days(kWindowDays)})`),
      h('table', { class: 'percentiles', 'data-testid': 'percentiles' },
        h('thead', {}, h('tr', {}, ...[t.metric, 'p50', 'p90', 'p95', 'p99', 'max'].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...kMetrics.map((m, i) => percentileRow(m, percentiles[i])))),
      measured && usage[0].series ? chart(usage[0].series) : h('p', { class: 'muted' }, t.noUtilisation)),
    h('section', { class: 'panel', 'data-testid': 'inventory' }, h('h2', {}, t.inventory),
      ...Object.entries(host.inventory ?? {}).map(([section, s]) =>
        h('details', {}, h('summary', {}, `${section} — ${formatDate(s.updated_at)}`), jsonView(s.data))),
      host.imported ? h('details', { open: true }, h('summary', {}, t.importedInventory), jsonView(importedInventory(host.imported))) : null),
    h('section', { class: 'panel' }, h('h2', {}, `${t.changes} (${formatNumber(host.changes?.length ?? 0)})`),
      h('ul', {}, ...(host.changes ?? []).map((c) => h('li', {}, `${formatDate(c.at)} — ${c.section}: ${JSON.stringify(c.changed)}`)))));
}
