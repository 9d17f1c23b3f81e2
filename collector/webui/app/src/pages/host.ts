// Host: labels, inventory sections, change history, utilisation over a chosen window (CPU, memory,
// disk, network, with the percentile the planner sizes with), dependencies in and out, and the
// planner's recommendation. The recommendation and dependencies load after the page shows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { getJson } from '../api';
import { h, link } from '../dom';
import type { Stats } from '../fleet';
import { formatBytes, formatDate, formatMoney, formatNumber, formatPercent, formatTick, labelValue, t } from '../i18n';
import { type PlannerMessage, plannerWords, said } from '../i18n/planner';
import { loadHostPlan, loadPlanSummary, type PlanHost, plannerPercentile } from '../plan';

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
type Point = Stats & { start: string; count: number };
interface Utilisation {
  window: Stats & { count: number };
  series?: Point[];
}
export interface Edge {
  source: string | null;
  target: string | null;
  remote_address: string;
  port: number;
  process: string;
  connections: number;
  bytes_per_day?: number | null;
}

// The windows offered, with a series step giving 96 to 180 points.
const kWindows = [
  { key: '24h', seconds: 86400, step: '15m', label: () => t.window24h },
  { key: '7d', seconds: 7 * 86400, step: '1h', label: () => t.window7d },
  { key: '30d', seconds: 30 * 86400, step: '4h', label: () => t.window30d },
] as const;
type WindowKey = (typeof kWindows)[number]['key'];

// Charts: CPU and memory as percentages, disk and network as bytes per second (two metrics each).
const kCharts = [
  { key: 'cpu', title: () => t.cpu, metrics: ['cpu_ratio'], ratio: true },
  { key: 'memory', title: () => t.memory, metrics: ['memory_ratio'], ratio: true },
  { key: 'disk', title: () => t.disk, metrics: ['disk_read_bytes_per_second', 'disk_write_bytes_per_second'], ratio: false },
  { key: 'network', title: () => t.network,
    metrics: ['network_receive_bytes_per_second', 'network_transmit_bytes_per_second'], ratio: false },
] as const;
const kMetrics = kCharts.flatMap((c) => c.metrics as readonly string[]);
const kColours = ['#2b7bb9', '#d9822b', '#c23030', '#0b6e4f'];

function keyValues(rows: [string, Node | string][], testId?: string): HTMLElement {
  return h('table', { class: 'kv', 'data-testid': testId },
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

// Any JSON value as nested tables and lists; every string goes in as text. Sizes ("size_bytes",
// "memory_bytes") read in binary units, the exact count on hover.
function jsonView(value: unknown, key = ''): Node | string {
  if (Array.isArray(value)) {
    return h('ol', { class: 'json' }, ...value.slice(0, 500).map((v) => h('li', {}, jsonView(v))));
  }
  if (value !== null && typeof value === 'object') {
    return keyValues(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonView(v, k)]));
  }
  if (typeof value === 'number' && key.endsWith('_bytes')) {
    return h('span', { title: formatNumber(value), 'data-bytes': value }, formatBytes(value));
  }
  return value === null || value === undefined ? '—' : String(value);
}

const showValue = (metric: string, v: number | undefined) =>
  metric.endsWith('_ratio') ? formatPercent(v) : v === undefined ? '—' : `${formatBytes(v)}/s`;

function percentileRow(metric: string, s: Stats | undefined) {
  const cell = (v: number | undefined) => h('td', {}, showValue(metric, v));
  return h('tr', { 'data-metric': metric }, h('th', { title: metric }, t.metricNames[metric] ?? metric), cell(s?.p50), cell(s?.p90), cell(s?.p95), cell(s?.p99), cell(s?.max));
}

// One chart: p50/p95/max of a ratio, or p95 of each metric of a pair; plus a flat line at the
// window's value of the planner's percentile for each metric.
function chart(testId: string, title: string, metrics: readonly string[], usage: Map<string, Utilisation>,
  ratio: boolean, percentile: string): HTMLElement {
  const box = h('div', { class: 'chart', 'data-testid': testId, role: 'img', 'aria-label': title });
  const first = usage.get(metrics[0])?.series ?? [];
  const x = first.map((p) => Date.parse(p.start) / 1000);
  const scale = ratio ? 100 : 1;
  const line = (metric: string, key: keyof Stats) => (usage.get(metric)?.series ?? []).map((p) =>
    p.count > 0 && p[key] !== undefined ? (p[key] as number) * scale : null);
  const flat = (metric: string) => {
    const v = usage.get(metric)?.window[percentile as keyof Stats];
    return x.map(() => (v === undefined ? null : v * scale));
  };
  const series: uPlot.Series[] = [{ label: t.chartTime }];
  const data: (number | null)[][] = [];
  const keys: (keyof Stats)[] = ratio ? ['p50', 'p95', 'max'] : ['p95'];
  let colour = 0;
  for (const metric of metrics) {
    for (const key of keys) {
      // Points as well as lines: a step between two gaps has no neighbour to join.
      series.push({ label: ratio ? key : `${t.metricNames[metric] ?? metric} ${key}`, stroke: kColours[colour++ % kColours.length],
        points: { show: true, size: 4 } });
      data.push(line(metric, key));
    }
    series.push({ label: `${t.plannerPercentile(percentile)}${ratio ? '' : ` ${t.metricNames[metric] ?? metric}`}`,
      stroke: '#7a4fb5', dash: [6, 4] });
    data.push(flat(metric));
  }
  const options: uPlot.Options = {
    title, width: 620, height: 220, series,
    scales: ratio ? { y: { range: [0, 100] } } : {},
    // Ticks in the page's language; the value axis wide enough for "1,5 Gio/s" not to be cut.
    axes: [
      { values: (u, ticks) => ticks.map((v) => formatTick(v, (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0))) },
      { size: ratio ? 60 : 100, values: (_u, ticks) => ticks.map((v) => (ratio ? `${v} %` : `${formatBytes(v)}/s`)) },
    ],
  };
  // uPlot measures its container, so it is drawn once the page is in the document.
  requestAnimationFrame(() => new uPlot(options, [x, ...data] as uPlot.AlignedData, box));
  return box;
}

async function utilisationSection(base: string, host: HostDetail, windowKey: WindowKey, percentile: string) {
  const window = kWindows.find((w) => w.key === windowKey) ?? kWindows[1];
  const from = Math.floor(Date.now() / 1000) - window.seconds;
  const answers = await Promise.all(kMetrics.map((m) =>
    getJson<Utilisation>(`${base}/utilisation?metric=${m}&from=${from}&step=${window.step}`)));
  const usage = new Map(kMetrics.map((m, i) => [m, answers[i]]));
  const measured = answers.some((u) => u.window.count > 0);
  const declared = host.imported?.utilisation;
  const stats = (m: string) => (measured ? usage.get(m)?.window : declared?.[m]);
  const table = h('table', { class: 'percentiles', 'data-testid': 'percentiles' },
    h('thead', {}, h('tr', {}, ...[t.metric, 'p50', 'p90', 'p95', 'p99', 'max'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...kMetrics.map((m) => percentileRow(m, stats(m)))));
  return h('div', { 'data-testid': 'utilisation', 'data-window': window.key },
    ...utilisationBody(host, usage, measured, !!declared, table, percentile));
}

// What the window shows, honestly: curves when there are points to join, else why there are none.
function utilisationBody(host: HostDetail, usage: Map<string, Utilisation>, measured: boolean, declared: boolean,
  table: HTMLElement, percentile: string): (Node | string)[] {
  if (!measured && declared) return [h('p', { class: 'muted', 'data-testid': 'declared-utilisation' }, t.declaredUtilisation), table];
  if (!measured) return [h('p', { class: 'muted', 'data-testid': 'no-utilisation' }, t.noUtilisation)];
  // A line needs two points: a new agent's first reports fill one step of the window.
  const points = (usage.get('cpu_ratio')?.series ?? []).filter((p) => p.count > 0).length;
  if (points < 2) {
    return [table, h('p', { class: 'muted', 'data-testid': 'not-enough-data' }, t.notEnoughData(formatDate(host.first_seen)))];
  }
  const unmeasured = (metrics: readonly string[]) => metrics.every((m) => !usage.get(m)?.window.count);
  return [table, h('div', { class: 'charts' }, ...kCharts.map((c) => unmeasured(c.metrics)
    ? h('p', { class: 'muted chart-empty', 'data-testid': `chart-${c.key}-empty` }, t.chartUnmeasured(c.title()))
    : chart(`chart-${c.key}`, c.title(), c.metrics, usage, c.ratio, percentile)))];
}

// The planner writes factor values in English ("10 of 30 days"); the known shapes are translated.
function factorValue(value: string, message?: PlannerMessage): string {
  const words = plannerWords(message);
  if (words !== undefined) return words;
  const days = /^(\S+) of (\S+) days$/.exec(value);
  if (days) return t.daysOfData(days[1] === 'unknown' ? t.factorUnknown : days[1], days[2]);
  if (value === 'not stated') return t.notStated;
  if (value === 'no utilisation data') return t.noUtilisationData;
  if (/^\d+$/.test(value)) return formatNumber(Number(value));  // data points
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent) return formatPercent(Number(percent[1]) / 100);
  return t.sources[value] ?? value;
}

// What the confidence score rests on: each factor, the value seen and its effect in stars.
function confidenceFactors(factors: NonNullable<PlanHost['confidence_factors']>): HTMLElement[] {
  if (factors.length === 0) return [];
  return [h('h3', {}, t.confidenceFactors),
    h('table', { 'data-testid': 'rec-confidence-factors' },
      h('thead', {}, h('tr', {}, ...[t.factor, t.factorValue, t.factorEffect].map((c) => h('th', {}, c)))),
      h('tbody', {}, ...factors.map((f) => h('tr', { 'data-factor': f.name, 'data-effect': String(f.effect) },
        h('td', {}, t.factorNames[f.name] ?? f.name), h('td', {}, factorValue(f.value, f.value_message)), h('td', {}, t.stars(f.effect))))))];
}

function recommendationPanel(id: string): HTMLElement {
  const body = h('p', { class: 'muted', 'data-testid': 'plan-pending' }, t.planPending);
  const panel = h('section', { class: 'panel', 'data-testid': 'recommendation', 'aria-live': 'polite' },
    h('h2', {}, t.recommendation), body);
  loadHostPlan(id).then((p) => {
    if (!p) {
      body.textContent = t.planUnavailable;
      return;
    }
    const target = p.target
      ? [p.target.provider, p.target.managed_service ?? p.target.instance,
        p.target.vcpu !== undefined ? `(${formatNumber(p.target.vcpu)} vCPU, ${formatBytes((p.target.memory_gib ?? 0) * 2 ** 30)})` : '']
        .filter(Boolean).join(' ')
      : '—';
    body.replaceWith(
      keyValues([
        [t.strategy, h('strong', { 'data-testid': 'rec-strategy', 'data-strategy': p.strategy }, t.strategyNames[p.strategy] ?? p.strategy)],
        [t.target, h('span', { 'data-testid': 'rec-target' }, target)],
        [t.confidence, h('span', { 'data-testid': 'rec-confidence' }, p.confidence === undefined ? '—' : `${p.confidence} / 5`)],
        [t.monthlyCostShort, h('span', { 'data-testid': 'rec-cost' }, formatMoney(p.monthly_cost))],
        [t.onPremisesMonthly, formatMoney(p.on_premises_monthly_cost)],
        [t.wave, p.wave === null || p.wave === undefined ? '—' : String(p.wave)],
        [t.moveGroup, p.move_group ? link(`/dependencies/group/${encodeURIComponent(p.move_group)}`, p.move_group) : '—'],
        [t.sharedInfrastructure, p.shared_infrastructure ? '✓' : '—'],
      ], 'rec-table'),
      ...(p.to_confirm === 'retire'
        ? [h('p', { class: 'error', 'data-testid': 'rec-to-confirm' }, t.toConfirmRetire)] : []),
      ...confidenceFactors(p.confidence_factors ?? []),
      h('h3', {}, t.reasons),
      h('ul', { 'data-testid': 'rec-reasons' }, ...(p.reasons ?? []).map((r, i) => h('li', { 'data-key': p.reason_messages?.[i]?.key ?? '' }, said(r, p.reason_messages?.[i])))),
      ...((p.flags ?? []).length ? [h('p', { class: 'error', 'data-testid': 'rec-flags' },
        `${t.flags} : ${(p.flags ?? []).map((f, i) => said(f, p.flag_messages?.[i])).join(' ; ')}`)] : []));
  }, () => (body.textContent = t.planUnavailable));
  return panel;
}

function edgeTable(testId: string, title: string, edges: Edge[], peerOf: (e: Edge) => string | null): HTMLElement {
  return h('div', {}, h('h3', {}, `${title} (${formatNumber(edges.length)})`),
    edges.length === 0 ? h('p', { class: 'muted' }, t.noDependencies) :
      h('table', { 'data-testid': testId },
        h('thead', {}, h('tr', {}, ...[t.peer, t.port, t.process, t.connections].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...edges.slice(0, 500).map((e) => {
          const peer = peerOf(e);
          return h('tr', { 'data-peer': peer ?? e.remote_address },
            h('td', {}, peer ? link(`/hosts/${encodeURIComponent(peer)}`, peer) : e.remote_address),
            h('td', {}, String(e.port)), h('td', {}, e.process), h('td', {}, formatNumber(e.connections)));
        }))));
}

function dependenciesPanel(id: string): HTMLElement {
  const panel = h('section', { class: 'panel', 'data-testid': 'dependencies' },
    h('h2', {}, t.navDependencies, ' — ', link(`/dependencies/${encodeURIComponent(id)}`, t.showGraph)));
  const body = h('p', { class: 'muted' }, t.loading);
  panel.append(body);
  getJson<{ edges: Edge[] }>(`/api/v1/dependencies?host=${encodeURIComponent(id)}`).then(({ edges }) => {
    body.replaceWith(
      edgeTable('deps-out', t.dependenciesOut, edges.filter((e) => e.source === id), (e) => e.target),
      edgeTable('deps-in', t.dependenciesIn, edges.filter((e) => e.target === id && e.source !== id), (e) => e.source));
  }, (e) => (body.textContent = t.loadError + String(e)));
  return panel;
}

// What an import declared about the host, without what the page shows elsewhere.
function importedInventory(imported: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, hostname: _hostname, labels: _labels, utilisation: _utilisation, ...rest } = imported;
  return rest;
}

export async function hostPage(id: string): Promise<HTMLElement> {
  const base = `/api/v1/hosts/${encodeURIComponent(id)}`;
  const host = await getJson<HostDetail>(base);
  let windowKey: WindowKey = '7d';
  let percentile = 'p95';
  const usageBox = h('div', {}, await utilisationSection(base, host, windowKey, percentile));
  const redraw = async () => usageBox.replaceChildren(await utilisationSection(base, host, windowKey, percentile));

  const chooser = h('select', { 'data-testid': 'window', 'aria-label': t.window },
    ...kWindows.map((w) => h('option', { value: w.key, selected: w.key === windowKey }, w.label())));
  chooser.addEventListener('change', () => {
    windowKey = chooser.value as WindowKey;
    void redraw();
  });
  // The planner's percentile line, once the plan says which it is.
  void loadPlanSummary().then((summary) => {
    const used = plannerPercentile(summary);
    if (summary && used !== percentile) {
      percentile = used;
      void redraw();
    }
  }, () => undefined);

  return h('div', { class: 'page' },
    h('p', {}, h('a', { href: '#/hosts' }, t.backToHosts)),
    h('h1', { 'data-testid': 'host-name' }, host.hostname || host.id),
    keyValues([[t.id, host.id], [t.source, t.sources[host.source] ?? host.source], [t.state, t.hostStates[host.state] ?? host.state],
      [t.firstSeen, formatDate(host.first_seen)], [t.lastSeen, formatDate(host.last_seen)]]),
    recommendationPanel(host.id),
    h('section', { class: 'panel' }, h('h2', {}, t.labels), Object.keys(host.labels ?? {}).length
      ? keyValues(Object.entries(host.labels).map(([k, v]) => [k, labelValue(k, String(v))]))
      : h('p', { class: 'muted' }, t.noLabels)),
    h('section', { class: 'panel' },
      h('h2', {}, t.utilisation, ' ', h('label', { class: 'inline' }, h('span', { class: 'muted' }, `${t.window} `), chooser)),
      usageBox),
    dependenciesPanel(host.id),
    h('section', { class: 'panel', 'data-testid': 'inventory' }, h('h2', {}, t.inventory),
      ...Object.entries(host.inventory ?? {}).map(([section, s]) =>
        h('details', {}, h('summary', {}, `${section} — ${formatDate(s.updated_at)}`), jsonView(s.data))),
      host.imported ? h('details', { open: true }, h('summary', {}, t.importedInventory), jsonView(importedInventory(host.imported))) : null),
    changesPanel(host.changes ?? []));
}

// Real changes only: the collector leaves readings such as free space out of the history.
function changesPanel(changes: HostDetail['changes']): HTMLElement {
  const fields = (changed: unknown) => (Array.isArray(changed) ? changed.join(', ') : JSON.stringify(changed));
  return h('section', { class: 'panel', 'data-testid': 'changes' }, h('h2', {}, `${t.changes} (${formatNumber(changes.length)})`),
    changes.length === 0 ? h('p', { class: 'muted' }, t.noChanges) :
      h('ul', {}, ...changes.map((c) => h('li', { 'data-section': c.section },
        `${formatDate(c.at)} — ${t.changedFields(c.section, fields(c.changed))}`))));
}
