// Overview: fleet totals and distributions from /api/v1/fleet/summary (computed by the collector,
// a few KB), then the plan's costs and strategies when the planner has them: the page is usable
// before the plan arrives.
import { h } from '../dom';
import { formatBytes, formatDay, formatMoney, formatNumber, t } from '../i18n';
import { kStrategies, loadPlanSummary, strategyCounts } from '../plan';
import { type EndOfLifeStatus, type FleetSummary, loadSummary } from '../summary';

function tile(testId: string, label: string, value: string): HTMLElement {
  return h('div', { class: 'tile', 'data-testid': testId }, h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-label' }, label));
}

type Row = [string, number, string?];  // label, count, optional row test id

// A horizontal bar chart; bar widths are set through the CSSOM (allowed by the CSP).
function bars(testId: string, title: string, rows: Row[], limit = 12): HTMLElement {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const list = h('div', { class: 'bars' });
  if (rows.length === 0) list.append(h('p', { class: 'muted' }, t.noData));
  for (const [label, count, rowId] of rows.slice(0, limit)) {
    const bar = h('div', { class: 'bar-fill' });
    bar.style.width = `${(100 * count) / max}%`;
    list.append(h('div', { class: 'bar-row', 'data-testid': rowId }, h('span', { class: 'bar-label', title: label }, label),
      h('span', { class: 'bar-track' }, bar), h('span', { class: 'bar-count' }, formatNumber(count))));
  }
  return h('section', { class: 'panel', 'data-testid': testId }, h('h2', {}, title), list);
}

function bands(counts: number[]): Row[] {
  return counts.map((n, i) => [`${i * 10}–${i * 10 + 10} %`, n]);
}

const eolLabels = (): Record<EndOfLifeStatus, string> => ({
  ended: t.eolEnded, ending_soon: t.eolEndingSoon, supported: t.eolSupported, unknown: t.eolUnknown,
});

function endOfLife(summary: FleetSummary): HTMLElement {
  const labels = eolLabels();
  const rows: Row[] = (['ended', 'ending_soon', 'supported', 'unknown'] as EndOfLifeStatus[])
    .map((s) => [labels[s], summary.end_of_life[s] ?? 0, `eol-${s}`]);
  const panel = bars('end-of-life', t.endOfLife, rows);
  const list = h('ul', { class: 'os-eol' }, ...summary.by_os.slice(0, 12).map((os) =>
    h('li', { class: `eol-${os.status}` }, `${os.name ?? t.unknown} — ${formatNumber(os.hosts)} — ${labels[os.status]}`,
      os.end_of_life ? ` (${t.eolUntil(formatDay(os.end_of_life))})` : '')));
  panel.append(list);
  return panel;
}

// Filled once the plan summary arrives; a placeholder until then.
function planPanel(): HTMLElement {
  const body = h('div', { 'data-testid': 'plan-pending', class: 'muted' }, t.planPending);
  const panel = h('section', { class: 'panel plan-panel', 'data-testid': 'plan-panel', 'aria-live': 'polite' },
    h('h2', {}, t.planTitle), body);
  loadPlanSummary().then((summary) => {
    if (!summary) {
      body.textContent = t.planUnavailable;
      return;
    }
    const totals = summary.totals ?? {};
    const counts = strategyCounts(summary);
    body.replaceWith(
      h('div', { class: 'tiles' },
        tile('plan-onprem', t.onPremisesMonthly, formatMoney(totals.on_premises_monthly_cost)),
        tile('plan-cloud', t.cloudMonthly, formatMoney(totals.monthly_cost)),
        tile('plan-difference', t.monthlyDifference, formatMoney(totals.monthly_difference))),
      bars('strategies', t.strategiesTitle, kStrategies.map((s): Row => [t.strategyNames[s] ?? s, counts[s], `strategy-${s}`])));
  }, () => (body.textContent = t.planUnavailable));
  return panel;
}

export async function overviewPage(): Promise<HTMLElement> {
  const summary = await loadSummary();
  const group = (rows: FleetSummary['by_region']): Row[] => rows.map((r) => [r.name ?? t.unknown, r.hosts]);
  return h('div', { class: 'page' },
    h('h1', {}, t.navOverview),
    h('div', { class: 'tiles' },
      tile('total-hosts', t.hosts, formatNumber(summary.hosts)),
      tile('total-reporting', t.agentsReporting, formatNumber(summary.agents.reporting)),
      tile('total-stale', t.stale, formatNumber(summary.stale)),
      tile('total-cores', t.cores, formatNumber(summary.cores)),
      tile('total-memory', t.memory, formatBytes(summary.memory_bytes)),
      tile('total-storage', t.storage, formatBytes(summary.storage_bytes))),
    planPanel(),
    h('div', { class: 'panels' },
      bars('by-region', t.byRegion, group(summary.by_region)),
      bars('by-province', t.byProvince, group(summary.by_province)),
      bars('by-os', t.byOs, summary.by_os.map((os): Row => [os.name ?? t.unknown, os.hosts])),
      endOfLife(summary),
      bars('by-cpu', t.byCpu, bands(summary.utilisation.cpu_p95)),
      bars('by-memory', t.byMemory, bands(summary.utilisation.memory_p95))));
}
