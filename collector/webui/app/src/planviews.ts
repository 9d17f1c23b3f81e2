// Pieces shared by the Plan, Costs and Exports pages: figure tiles, tables, money bars and the
// waves timeline (an SVG Gantt). Sizes go through attributes or the CSSOM, never inline style.
import { type Child, h } from './dom';
import { formatDay, formatMoney, formatMonth, formatNumber, t } from './i18n';
import { type PlanSummary, type WaveSummary, waveHosts } from './plan';

export function tile(testId: string, label: string, value: string, title?: string): HTMLElement {
  return h('div', { class: 'tile', 'data-testid': testId, title },
    h('div', { class: 'tile-value' }, value), h('div', { class: 'tile-label' }, label));
}

export function panel(testId: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel', 'data-testid': testId }, h('h2', {}, title), ...children);
}

// A table of rows; numeric columns are right-aligned.
export function table(testId: string, headers: string[], rows: Child[][], numeric: boolean[] = []): HTMLElement {
  const cell = (tag: 'th' | 'td', value: Child, i: number) => h(tag, { class: numeric[i] ? 'num' : undefined }, value);
  return h('table', { class: 'data', 'data-testid': testId },
    h('thead', {}, h('tr', {}, ...headers.map((x, i) => cell('th', x, i)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((x, i) => cell('td', x, i))))));
}

// Horizontal bars of amounts with their share of the total: the largest first, or in the given
// order (waves) when `ordered`.
export function moneyBars(testId: string, rows: [string, number][], currency: string, limit = 12, ordered = false): HTMLElement {
  const sorted = ordered ? rows : [...rows].sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...sorted.map(([, v]) => v));
  const total = sorted.reduce((sum, [, v]) => sum + v, 0);
  const list = h('div', { class: 'bars money', 'data-testid': testId });
  if (sorted.length === 0) list.append(h('p', { class: 'muted' }, t.noData));
  for (const [label, value] of sorted.slice(0, limit)) {
    const bar = h('div', { class: 'bar-fill' });
    bar.style.width = `${(100 * Math.max(0, value)) / max}%`;
    const share = total > 0 ? ` (${formatNumber((100 * value) / total, 1)} %)` : '';
    list.append(h('div', { class: 'bar-row' }, h('span', { class: 'bar-label', title: label }, label),
      h('span', { class: 'bar-track' }, bar), h('span', { class: 'bar-count' }, formatMoney(value, currency) + share)));
  }
  if (sorted.length > limit) list.append(h('p', { class: 'muted' }, t.moreRows(sorted.length - limit)));
  return list;
}

const kSvg = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const element = document.createElementNS(kSvg, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

// The waves on a timeline: one bar per wave from its start to its end date, non-prod and prod in
// two colours, pilots outlined; a month scale on top.
// `flagged`: unmet constraints per wave number; those waves are marked on the timeline.
export function gantt(waves: WaveSummary[], flagged: Map<number, number> = new Map()): Element {
  const dated = waves.filter((w) => !Number.isNaN(day(w.start)) && !Number.isNaN(day(w.end)));
  if (dated.length === 0) return h('p', { class: 'muted' }, t.noData);
  const first = Math.min(...dated.map((w) => day(w.start)));
  const last = Math.max(...dated.map((w) => day(w.end))) + 86_400_000;
  const rowHeight = 16, top = 22, left = 48, width = 900;
  const scale = (ms: number) => left + ((ms - first) / (last - first)) * (width - left - 4);
  const height = top + dated.length * rowHeight + 4;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'gantt', role: 'img', 'aria-label': t.timelineLabel(dated.length) });
  // Month ticks.
  const month = new Date(first);
  month.setUTCDate(1);
  let lastLabel = -Infinity;
  for (let m = new Date(month); m.getTime() <= last; m.setUTCMonth(m.getUTCMonth() + 1)) {
    if (m.getTime() < first) continue;
    const x = scale(m.getTime());
    chart.append(svg('line', { x1: x, x2: x, y1: 14, y2: height, class: 'gantt-tick' }));
    if (x - lastLabel < 56) continue;  // labels stay readable on a long schedule
    chart.append(svg('text', { x: x + 2, y: 11, class: 'gantt-month' }, formatMonth(m.getTime())));
    lastLabel = x;
  }
  dated.forEach((w, i) => {
    const y = top + i * rowHeight;
    const x = scale(day(w.start));
    const kind = w.environment === 'prod' ? 'prod' : w.environment === 'nonprod' ? 'nonprod' : 'mixed';
    const unmet = flagged.get(w.number) ?? 0;
    const barWidth = Math.max(2, scale(day(w.end) + 86_400_000) - x);
    const tooltip = t.waveTooltip(w.number, formatDay(w.start), formatDay(w.end), waveHosts(w), w.pilot) +
      (unmet ? ` — ${t.waveUnmet(unmet)}` : '');
    const bar = svg('rect', { x, y, width: barWidth, height: rowHeight - 4,
      rx: 2, class: `gantt-bar ${kind}${w.pilot ? ' pilot' : ''}${unmet ? ' unmet' : ''}`, 'data-wave': w.number,
      ...(unmet ? { 'data-unmet': unmet } : {}) },
    svg('title', {}, tooltip));
    chart.append(svg('text', { x: 2, y: y + rowHeight - 6, class: 'gantt-label' }, t.waveShort(w.number)), bar);
    if (unmet) {
      chart.append(svg('text', { x: Math.min(x + barWidth + 3, width - 30), y: y + rowHeight - 6, class: 'gantt-unmet',
        'data-unmet-wave': w.number }, `⚠ ${unmet}`, svg('title', {}, t.waveUnmet(unmet))));
    }
  });
  const legend = h('p', { class: 'legend' },
    h('span', { class: 'swatch nonprod' }), t.nonProd, h('span', { class: 'swatch prod' }), t.prod,
    h('span', { class: 'swatch mixed' }), t.mixed, h('span', { class: 'swatch pilot' }), t.pilot,
    flagged.size ? h('span', { class: 'swatch unmet' }) : null, flagged.size ? t.unmetLegend : null);
  return h('div', { class: 'gantt-box', 'data-testid': 'gantt' }, chart, legend);
}

// The monthly cost of every commitment, the chosen one first in the totals.
export function commitmentCost(plan: PlanSummary, commitment: string): number | undefined {
  return plan.totals.monthly_cost_by_commitment?.[commitment];
}
