// Overview: fleet totals and distributions from /api/v1/fleet/summary (computed by the collector,
// a few KB), then the plan's costs and strategies when the planner has them: the page is usable
// before the plan arrives.
import { h, link } from '../dom';
import { formatBytes, formatDay, formatMoney, formatMoneyCompact, formatNumber, formatPercent, ownDirection, t } from '../i18n';
import { kStrategies, loadPlanSummary, type PlanSummary, strategyCounts } from '../plan';
import { type EndOfLifeStatus, type FleetSummary, loadSummary } from '../summary';

// `exact` is the value in full, shown on hover when the tile shows it rounded.
function tile(testId: string, label: string, value: string, exact?: string): HTMLElement {
  return h('div', { class: 'tile', 'data-testid': testId, title: exact },
    h('div', { class: 'tile-value', 'data-exact': exact }, value), h('div', { class: 'tile-label' }, label));
}

// `how`: what the amount adds up, said on hover after the exact amount.
function moneyTile(testId: string, label: string, value: number | undefined, how?: string): HTMLElement {
  const element = tile(testId, label, formatMoneyCompact(value), formatMoney(value));
  if (how) element.title = `${formatMoney(value)} — ${how}`;
  return element;
}

// One thing to do: how many, what it means, and the link to the list that resolves it.
interface Step {
  id: string;
  count: number;
  text: string;
  route: string;
  action: string;
}

function stepItem(step: Step): HTMLElement {
  return h('li', { 'data-testid': `step-${step.id}` }, h('span', { class: 'step-count' }, formatNumber(step.count)),
    h('span', { class: 'step-text' }, step.text), link(step.route, step.action));
}

function fleetSteps(summary: FleetSummary): Step[] {
  const agents = summary.agents.reporting + summary.agents.stale;
  const ended = summary.end_of_life.ended ?? 0;
  return [
    { id: 'no-agent', count: summary.hosts - agents, text: t.stepNoAgent(summary.hosts - agents, formatNumber(summary.hosts)),
      route: '/hosts?source=import', action: t.stepNoAgentLink },
    { id: 'eol', count: ended, text: t.stepEol(ended, formatPercent(ended / Math.max(1, summary.hosts))),
      route: '/hosts?eol=ended', action: t.stepEolLink },
    { id: 'silent', count: summary.agents.stale, text: t.stepSilent(summary.agents.stale),
      route: '/hosts?source=agent&stale=stale', action: t.stepSilentLink },
  ];
}

function planSteps(plan: PlanSummary): Step[] {
  const confirm = plan.totals?.retire_to_confirm ?? 0;
  const unmet = plan.violations?.total ?? 0;
  return [
    { id: 'confirm', count: confirm, text: t.stepConfirm(confirm), route: '/hosts?strategy=to-confirm',
      action: t.stepConfirmLink },
    { id: 'unmet', count: unmet, text: t.stepUnmet(unmet), route: '/plan', action: t.stepUnmetLink },
  ];
}

// What to do first, computed from the fleet now and from the plan when it arrives; only the
// steps with something to do are listed.
function nextSteps(summary: FleetSummary): HTMLElement {
  const list = h('ul', { class: 'steps' });
  const none = h('p', { class: 'muted', 'data-testid': 'steps-none' }, t.nextStepsNone);
  const show = (steps: Step[]) => {
    list.append(...steps.filter((step) => step.count > 0).map(stepItem));
    none.hidden = list.childElementCount > 0;
  };
  show(fleetSteps(summary));
  loadPlanSummary().then((plan) => plan && show(planSteps(plan)), () => undefined);
  return h('section', { class: 'panel next-steps', 'data-testid': 'next-steps', 'aria-live': 'polite' },
    h('h2', {}, t.nextSteps), list, none);
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
  return counts.map((n, i) => [ownDirection(`${i * 10}–${i * 10 + 10} %`), n]);
}

const eolLabels = (): Record<EndOfLifeStatus, string> => ({
  ended: t.eolEnded, ending_soon: t.eolEndingSoon, supported: t.eolSupported, unknown: t.eolUnknown,
});

function endOfLife(summary: FleetSummary): HTMLElement {
  const labels = eolLabels();
  const rows: Row[] = (['ended', 'ending_soon', 'supported', 'unknown'] as EndOfLifeStatus[])
    .map((s) => [labels[s], summary.end_of_life[s] ?? 0, `eol-${s}`]);
  const panel = bars('end-of-life', t.endOfLife, rows);
  // Each system links to its servers: the list to start from.
  const list = h('ul', { class: 'os-eol' }, ...summary.by_os.slice(0, 12).map((os) =>
    h('li', { class: `eol-${os.status}` },
      os.name ? link(`/hosts?os=${encodeURIComponent(os.name)}`, os.name) : t.unknown,
      ` — ${formatNumber(os.hosts)} — ${labels[os.status]}`,
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
        moneyTile('plan-onprem', t.onPremisesMonthly, totals.on_premises_monthly_cost),
        moneyTile('plan-cloud', t.cloudMonthly, totals.monthly_cost),
        moneyTile('plan-difference', t.monthlyDifference, totals.monthly_difference, t.monthlyDifferenceHow)),
      bars('strategies', t.strategiesTitle, kStrategies.map((s): Row => [t.strategyNames[s] ?? s, counts[s], `strategy-${s}`])));
  }, () => (body.textContent = t.planUnavailable));
  return panel;
}

export async function overviewPage(): Promise<HTMLElement> {
  const summary = await loadSummary();
  const group = (rows: FleetSummary['by_region']): Row[] => rows.map((r) => [r.name ?? t.unknown, r.hosts]);
  return h('div', { class: 'page' },
    h('h1', {}, t.navOverview),
    nextSteps(summary),
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
