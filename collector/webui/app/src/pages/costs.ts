// Costs: the plan of the current what-if broken down by wave, region, commune and resource, and
// the three pricing options (on demand, 1 year, 3 years) against today's on-premises cost; today's
// cost by category with its assumptions editable as what-if parameters, the plausibility warnings
// and the business case over time (uPlot, as the Host page) with its break-even month.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom';
import { formatMoney, formatMonth, formatNumber, t } from '../i18n';
import { currentWhatIf, kCommitments, type PlanSummary, type Rollup, waveHosts } from '../plan';
import { type PlannerMessage, said } from '../i18n/planner';
import { planArea } from '../planarea';
import { commitmentCost, moneyBars, panel, table, tile } from '../planviews';

// What the summary carries for this page (docs/costs.md).
interface CostWarning { check: string; detail: string; detail_message?: PlannerMessage | null; assumption: string; value: number }
interface BusinessMonth {
  month: number; date: string; on_premises: number; cloud: number; one_time: number; total: number;
  baseline: number; savings: number; cumulative_savings: number;
}
interface CostsSummary extends PlanSummary {
  on_premises_model?: { currency: string; exchange_rate: number; plan_currency: string;
    assumptions: Record<string, unknown>; by_category: Record<string, number>; per_server_monthly: number };
  warnings?: CostWarning[];
  business_case?: { months: BusinessMonth[]; break_even_month: number | null; break_even_date: string | null;
    payback_months: number | null; steady_monthly_savings: number };
}

// On-premises assumptions the user changed on this page (planner.yaml keys), kept for the tab.
const kAssumptionsKey = 'sahab.whatif.costs';
function costAssumptions(): Record<string, unknown> {
  try {
    const stored = JSON.parse(sessionStorage.getItem(kAssumptionsKey) ?? '{}') as unknown;
    return stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
function setCostAssumptions(values: Record<string, unknown>): void {
  sessionStorage.setItem(kAssumptionsKey, JSON.stringify(values));
}
const whatIf = () => ({ ...currentWhatIf(), ...costAssumptions() }) as ReturnType<typeof currentWhatIf>;

// "on_premises.pue" -> "PUE", in the page's language.
const assumptionName = (key: string) => t.assumptionNames[key.replace(/^on_premises\./, '')] ?? key;

function warningsPanel(plan: CostsSummary): HTMLElement {
  const warnings = plan.warnings ?? [];
  return panel('cost-warnings', t.costWarnings(warnings.length),
    warnings.length
      ? h('ul', { class: 'warnings' }, ...warnings.map((w) => h('li', { 'data-check': w.check },
        h('strong', {}, t.warningChecks[w.check] ?? w.check), w.assumption ? ` (${t.warningAssumption} ${assumptionName(w.assumption)})` : '', ' — ',
        h('span', {}, said(w.detail, w.detail_message)))))
      : h('p', { class: 'muted' }, t.noCostWarnings));
}

function breakdownPanel(plan: CostsSummary): HTMLElement {
  const model = plan.on_premises_model;
  const categories = Object.entries(model?.by_category ?? {});
  return panel('on-premises-breakdown', t.onPremisesBreakdown,
    moneyBars('on-premises-bars', categories.map(([k, v]) => [t.onPremisesCategories[k] ?? k, v]), plan.currency, 20),
    h('p', {}, `${t.perServerMonthly} : `, h('strong', { 'data-testid': 'per-server' }, formatMoney(model?.per_server_monthly, plan.currency))));
}

// The business case: monthly cost with the migration against staying on premises, and the
// cumulative savings; the break-even month in a tile.
function businessCasePanel(plan: CostsSummary): HTMLElement {
  const bc = plan.business_case;
  const months = bc?.months ?? [];
  const box = h('div', { class: 'chart', 'data-testid': 'business-case-chart', role: 'img', 'aria-label': t.businessCase });
  if (months.length) {
    const x = months.map((m) => Date.parse(`${m.date}-01T00:00:00Z`) / 1000);
    const options: uPlot.Options = {
      width: 820, height: 260,
      series: [{ label: t.chartTime }, { label: t.stayingOnPremises, stroke: '#888' }, { label: t.withMigration, stroke: '#1f6fb2' },
        { label: t.cumulativeSavings, stroke: '#2a8a3a', width: 2 }],
      // Millions on the axis: full amounts are in the table and the legend.
      // Months in the page's language ("janv. 27"), not uPlot's US dates.
      axes: [{ values: (_u, ticks) => ticks.map((v) => formatMonth(v * 1000)) },
        { size: 80, values: (_u, ticks) => ticks.map((v) => `${formatNumber(v / 1e6, 1)} M`) }],
    };
    const data = [x, months.map((m) => m.baseline), months.map((m) => m.total), months.map((m) => m.cumulative_savings)];
    requestAnimationFrame(() => new uPlot(options, data as uPlot.AlignedData, box));
  }
  const breakEven = bc?.break_even_month ? t.breakEvenMonth(bc.break_even_month, bc.break_even_date ?? '') : t.noBreakEven;
  const rows = months.map((m) => [m.date, formatMoney(m.on_premises, plan.currency), formatMoney(m.cloud, plan.currency),
    formatMoney(m.one_time, plan.currency), formatMoney(m.total, plan.currency), formatMoney(m.savings, plan.currency),
    formatMoney(m.cumulative_savings, plan.currency)]);
  return panel('business-case', t.businessCase,
    h('div', { class: 'tiles small' }, tile('break-even', t.breakEven, breakEven)),
    h('p', { class: 'muted' }, t.businessCaseHint), box,
    h('details', {}, h('summary', {}, t.allRows(t.businessCase, months.length)),
      table('business-case-table', [t.monthColumn, t.onPremises, t.cloudMonthly, t.oneTimeCost, t.totalMonthly, t.savingsColumn, t.cumulativeSavings],
        rows, [false, true, true, true, true, true, true])));
}

// Every numeric on_premises.* assumption as an input; storage tiers one input each. Submitting
// recomputes the plan with them as what-if parameters (a partial planner.yaml).
function assumptionsPanel(plan: CostsSummary, reload: () => void): HTMLElement {
  const model = plan.on_premises_model;
  const assumptions = model?.assumptions ?? {};
  const inputs: HTMLInputElement[] = [];
  const fields: HTMLElement[] = [];
  for (const [key, value] of Object.entries(assumptions)) {
    if (!key.startsWith('on_premises.')) continue;
    const name = key.slice('on_premises.'.length);
    const entries: [string, unknown][] = typeof value === 'object' && value !== null
      ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [`${key}.${k}`, v]) : [[key, value]];
    for (const [full, v] of entries) {
      if (typeof v !== 'number') continue;
      const input = h('input', { type: 'number', step: 'any', min: 0, name: full, value: String(v), 'data-testid': `assumption-${full}` });
      inputs.push(input);
      const short = full.slice('on_premises.'.length);
      fields.push(h('label', { class: 'field', title: full }, h('span', {}, t.assumptionNames[short] ?? short), input));
    }
  }
  const apply = h('button', { type: 'submit', 'data-testid': 'assumptions-apply' }, t.applyAssumptions);
  const reset = h('button', { type: 'button', 'data-testid': 'assumptions-reset' }, t.resetAssumptions);
  const form = h('form', { class: 'whatif-groups', 'data-testid': 'assumptions-form' }, ...fields,
    h('div', { class: 'field' }, apply, reset));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const onPremises: Record<string, unknown> = {};
    for (const input of inputs) {
      if (!input.value || !Number.isFinite(input.valueAsNumber)) continue;
      const [, name, tier] = input.name.split('.');
      if (tier) ((onPremises[name] ??= {}) as Record<string, number>)[tier] = input.valueAsNumber;
      else onPremises[name] = input.valueAsNumber;
    }
    setCostAssumptions(Object.fromEntries(Object.entries(onPremises).map(([k, v]) => [`on_premises.${k}`, v])));
    reload();
  });
  reset.addEventListener('click', () => {
    setCostAssumptions({});
    reload();
  });
  const rate = model ? formatNumber(model.exchange_rate, 4) : '—';
  return panel('assumptions', t.assumptions,
    h('p', { class: 'muted' }, t.assumptionsHint(model?.currency ?? 'MAD', rate, model?.plan_currency ?? plan.currency)), form);
}

function rollupTable(testId: string, title: string, rows: Rollup[], currency: string): HTMLElement {
  const money = (v: number | undefined) => formatMoney(v, currency);
  const sorted = [...rows].sort((a, b) => b.monthly_cost - a.monthly_cost || a.key.localeCompare(b.key));
  return h('details', {}, h('summary', {}, t.allRows(title, rows.length)),
    table(testId, [title, t.hosts, t.monthlyCostShort, t.onPremisesMonthly, t.oneTimeCost],
      sorted.map((r) => [r.key || t.unknown, formatNumber(r.hosts), money(r.monthly_cost), money(r.on_premises_monthly_cost),
        money(r.one_time_cost)]), [false, true, true, true, true]));
}

function costFigures(plan: CostsSummary, reload: () => void): HTMLElement {
  const { totals, currency } = plan;
  const money = (v: number | undefined) => formatMoney(v, currency);
  // Cloud cost of an option + what stays on premises, against everything on premises today.
  const retained = totals.retained_on_premises_monthly_cost ?? 0;
  const options = kCommitments.map((c) => {
    const cloud = commitmentCost(plan, c);
    const difference = cloud === undefined ? undefined : cloud + retained - totals.on_premises_monthly_cost;
    return { c, cloud, difference };
  });
  const optionRows = [
    ...options.map(({ c, cloud, difference }) => [t.commitments[c], money(cloud), money(retained),
      money(cloud === undefined ? undefined : cloud + retained), money(difference)]),
    [t.onPremises, '—', money(totals.on_premises_monthly_cost), money(totals.on_premises_monthly_cost), money(0)],
  ];
  const breakdown = plan.costs.by_resource ?? totals.monthly_cost_breakdown ?? { compute: 0, storage: 0, egress: 0, licences: 0 };

  return h('div', {},
    h('div', { class: 'tiles' },
      ...options.map(({ c, cloud }) => tile(`cost-${c}`, t.monthlyCost(t.commitments[c]), money(cloud))),
      tile('cost-on-premises', t.onPremisesMonthly, money(totals.on_premises_monthly_cost)),
      tile('cost-difference', t.monthlyDifference, money(totals.monthly_difference), t.monthlyDifferenceHow),
      tile('cost-one-time', t.oneTimeCost, money(totals.one_time_cost))),
    warningsPanel(plan),
    businessCasePanel(plan),
    h('div', { class: 'panels' }, breakdownPanel(plan), assumptionsPanel(plan, reload)),
    panel('commitments', t.commitmentsVsOnPremises,
      table('commitments-table', [t.option, t.cloudMonthly, t.retainedMonthly, t.totalMonthly, t.differenceVsToday],
        optionRows, [false, true, true, true, true]),
      h('p', { class: 'muted' }, t.differenceHint)),
    h('div', { class: 'panels' },
      panel('by-resource', t.byResource, moneyBars('by-resource-bars', [
        [t.resources.compute, breakdown.compute], [t.resources.storage, breakdown.storage],
        [t.resources.egress, breakdown.egress], [t.resources.licences, breakdown.licences]], currency)),
      panel('by-wave', t.byWave, moneyBars('by-wave-bars', plan.waves.map((w) => [t.waveShort(w.number), w.monthly_cost]), currency, 100, true),
        rollupTable('by-wave-table', t.wave, plan.waves.map((w) => ({ key: t.waveShort(w.number), hosts: waveHosts(w),
          monthly_cost: w.monthly_cost, one_time_cost: w.one_time_cost })), currency)),
      panel('by-region', t.byRegion, moneyBars('by-region-bars', plan.costs.by_region.map((r) => [r.key || t.unknown, r.monthly_cost]), currency),
        rollupTable('by-region-table', t.region, plan.costs.by_region, currency)),
      panel('by-commune', t.byCommune, moneyBars('by-commune-bars', plan.costs.by_commune.map((r) => [r.key || t.unknown, r.monthly_cost]), currency),
        rollupTable('by-commune-table', t.commune, plan.costs.by_commune, currency))));
}

// The page frame at once; the figures when the collector has computed the plan (see planarea.ts).
export async function costsPage(): Promise<HTMLElement> {
  const hint = h('p', { class: 'muted', 'data-testid': 'costs-of' });
  const reload = () => {
    hint.textContent = Object.keys(whatIf()).length ? t.costsOfWhatIf : t.costsOfDefaults;
    void area.load(whatIf());
  };
  const area = planArea('costs', (plan) => costFigures(plan as CostsSummary, reload));
  reload();
  return h('div', { class: 'page' }, h('h1', {}, t.navCosts), hint, area.element);
}
